package io.spillway.etcd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;

/**
 * An etcd lease that its holder renews every round and trusts only while it is surely alive
 * (the cluster's shares and the master election both hang their keys on one).
 *
 * <p>A renewal tells how long etcd will keep the lease from the moment it was sent; the lease is
 * <i>safe</i> until then, less a margin of one round and one request timeout, so that the holder
 * stops relying on its keys (drops its shares, stops acting as leader) before etcd could have
 * deleted them and let another process claim them. A lease that etcd reports gone, or that the
 * holder stops trusting, is dropped; the next renewal grants a new one and revokes the dropped one,
 * so that keys left on it are freed at once rather than at its TTL. Used from one thread.
 */
public final class KeptLease {

    private static final Logger log = LoggerFactory.getLogger(KeptLease.class);

    private final EtcdClient etcd;
    private final long ttlSeconds;
    private final long marginNanos;
    private long id;
    private long stale;
    private long safeUntil;

    /**
     * @param round   how often the holder renews: the TTL is eight rounds, at least 2 s (etcd's own
     *                minimum is about 1.5 s)
     * @param timeout the etcd client's request timeout
     */
    public KeptLease(EtcdClient etcd, Duration round, Duration timeout) {
        this.etcd = etcd;
        this.ttlSeconds = ttlSeconds(round);
        this.marginNanos = round.plus(timeout).toNanos();
    }

    static long ttlSeconds(Duration round) {
        long millis = round.toMillis() * 8;
        return Math.max(2, (millis + 999) / 1000);
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** The lease's id, 0 while none is held. */
    public long id() {
        return id;
    }

    /**
     * Grants the lease if none is held, renews it otherwise.
     *
     * @throws EtcdClient.LeaseLostException etcd no longer has the lease (it was dropped)
     * @throws IOException                   etcd cannot be reached
     */
    public void renew() throws IOException {
        long sent = System.nanoTime();
        if (id == 0) {
            id = etcd.grantLease(ttlSeconds);
            safeUntil = sent + Duration.ofSeconds(ttlSeconds).toNanos();
            if (stale != 0) {
                long old = stale;
                stale = 0;
                revokeQuietly(old);
            }
            return;
        }
        long ttl = etcd.keepAlive(id);
        if (ttl <= 0) {
            id = 0; // gone already: nothing to revoke
            throw new EtcdClient.LeaseLostException("lease expired");
        }
        safeUntil = sent + Duration.ofSeconds(ttl).toNanos();
    }

    /** Whether the lease is surely alive for a while yet. */
    public boolean safe() {
        return id != 0 && System.nanoTime() < safeUntil - marginNanos;
    }

    /** Whether a lease is held that is no longer safe: its holder must stop relying on it now. */
    public boolean mayExpire() {
        return id != 0 && !safe();
    }

    /** Stops trusting the lease; the next renewal grants a new one and revokes this one. */
    public void drop() {
        if (id != 0) {
            stale = id;
        }
        id = 0;
    }

    /** Revokes the lease (and a dropped one), deleting every key attached to it; best effort. */
    public void revoke() {
        for (long lease : new long[] {id, stale}) {
            if (lease != 0) {
                revokeQuietly(lease);
            }
        }
        id = 0;
        stale = 0;
    }

    private void revokeQuietly(long lease) {
        try {
            etcd.revoke(lease);
        } catch (IOException e) {
            log.debug("revoking lease {} failed; it expires by itself", lease, e);
        }
    }
}
