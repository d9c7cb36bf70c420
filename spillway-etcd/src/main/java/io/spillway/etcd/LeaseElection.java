package io.spillway.etcd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One of several processes acts, the others stand by: an election in etcd by lease (issue 12,
 * the highly available GSLB master).
 *
 * <p><b>Campaign.</b> Every candidate holds a lease of {@code ttl} and renews it every round.
 * While it is not the leader it tries, each round, to create the election key attached to its
 * lease in one transaction that succeeds only if the key does not exist; etcd serialises the
 * transactions, so exactly one candidate creates it. The key's value is the candidate's
 * identity: writes made on the leader's behalf are fenced by it ({@link EtcdClient#writeWhile}),
 * so a deposed leader that has not noticed yet cannot overwrite its successor's state.
 *
 * <p><b>Losing.</b> The key lives as long as the leader's lease: a leader that stops or is cut
 * off from etcd stops renewing, and etcd deletes the key when the lease expires; the next round
 * of a standby then wins. A leader stops acting ({@link Candidate#deposed}) when a renewal says
 * the lease is gone, when the key no longer holds its identity, and, while etcd cannot be
 * reached, before the lease may have expired: the TTL counted from the moment the last
 * successful renewal was sent, less one round and one request timeout. Two leaders therefore
 * never act at once as long as the processes' clocks advance at the same rate. A leader that
 * closes revokes its lease, so a standby takes over at its next round instead of after the TTL.
 *
 * <p><b>Threads.</b> Rounds run on the election's own thread, never on an event loop, and never
 * overlap; the candidate's callbacks run there too, so {@link Candidate#elected} may block
 * (loading state from etcd) without delaying anything but the next round.
 */
public final class LeaseElection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseElection.class);

    /** What the elected process does. Both methods run on the election's thread. */
    public interface Candidate {

        /**
         * This process won: load the state and start acting. A failure gives the election up
         * (the key is deleted) and the campaign goes on at the next round.
         */
        void elected() throws Exception;

        /** This process must stop acting at once: another may be elected from now on. */
        void deposed(String reason);
    }

    /** How long {@link #start()} tries to reach etcd at least before declaring it unreachable. */
    static final Duration START_BUDGET = Duration.ofSeconds(5);

    /** Where this process stands. */
    public enum State { STANDBY, LEADER }

    private final EtcdClient etcd;
    private final String key;
    private final String identity;
    private final Duration round;
    private final KeptLease lease;
    private final Candidate candidate;
    private Rounds rounds;

    private boolean reachable = true;
    private volatile State state = State.STANDBY;
    private volatile String leader;

    /**
     * @param key       the election key, the same for every candidate
     * @param identity  this candidate's value in the key, unique among the candidates
     * @param round     how often the lease is renewed and a standby campaigns
     * @param timeout   the etcd client's request timeout
     */
    public LeaseElection(EtcdClient etcd, String key, String identity, Duration round, Duration timeout,
                         Candidate candidate) {
        this.etcd = etcd;
        this.key = key;
        this.identity = identity;
        this.round = round;
        this.lease = new KeptLease(etcd, round, timeout);
        this.candidate = candidate;
    }

    /**
     * Takes the lease on the caller's thread, then campaigns at once and every round on the
     * election's thread. The grant is tried again (a round apart, at most 100 ms) for up to
     * {@link #START_BUDGET} or the lease TTL, whichever is longer, so that a slow first answer
     * (a cold JVM on a busy host) does not fail a start while an etcd that is down still gives
     * a clear error within seconds.
     *
     * @throws IOException etcd cannot be reached: the caller cannot be a candidate
     */
    public synchronized void start() throws IOException {
        Duration budget = leaseTtl().compareTo(START_BUDGET) > 0 ? leaseTtl() : START_BUDGET;
        long deadline = System.nanoTime() + budget.toNanos();
        long pauseMillis = Math.min(100, round.toMillis());
        while (true) {
            try {
                lease.renew();
                break;
            } catch (IOException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reaching etcd", e);
            }
        }
        rounds = Rounds.start("spillway-election", round, this::round);
    }

    public State state() {
        return state;
    }

    /** The identity in the election key as of the last round, or null when no one holds it. */
    public String leader() {
        return leader;
    }

    public String key() {
        return key;
    }

    public String identity() {
        return identity;
    }

    public Duration leaseTtl() {
        return Duration.ofSeconds(lease.ttlSeconds());
    }

    private void round() {
        try {
            lease.renew();
            if (state == State.LEADER) {
                EtcdClient.KeyValue holder = etcd.get(key).orElse(null);
                leader = holder == null ? null : holder.value();
                if (!mine(holder)) {
                    depose("the election key is held by " + (holder == null ? "no one" : holder.value()
                            + " on lease " + Long.toHexString(holder.lease())));
                }
            } else {
                campaign();
            }
            if (!reachable) {
                log.info("event=election_etcd_reachable key={} identity={}", key, identity);
                reachable = true;
            }
        } catch (EtcdClient.LeaseLostException e) {
            lease.drop();
            depose("the lease expired");
        } catch (IOException | RuntimeException e) {
            if (reachable) {
                log.warn("event=election_etcd_unreachable key={} identity={} reason={}", key, identity, e.toString());
                reachable = false;
            }
        }
        if (state == State.LEADER && !lease.safe()) {
            lease.drop();
            depose("etcd unreachable: the lease may expire");
        }
    }

    /**
     * Creates the key if no one holds it. A create whose answer was lost (a timeout after etcd
     * applied it) is found at the next round: the key then holds this candidate's identity on its
     * current lease, which only this candidate could have written.
     */
    private void campaign() throws IOException {
        if (!etcd.createIfAbsent(key, identity, lease.id())) {
            EtcdClient.KeyValue holder = etcd.get(key).orElse(null);
            leader = holder == null ? null : holder.value();
            if (!mine(holder)) {
                return;
            }
        }
        leader = identity;
        state = State.LEADER;
        log.info("event=election_won key={} identity={}", key, identity);
        try {
            candidate.elected();
        } catch (Exception e) {
            log.warn("event=election_resigned key={} identity={} reason={}", key, identity, e.toString());
            state = State.STANDBY;
            leader = null;
            candidate.deposed("taking over failed: " + e);
            etcd.writeWhile(key, identity, Map.of(), List.of(key));
        }
    }

    private boolean mine(EtcdClient.KeyValue holder) {
        return holder != null && identity.equals(holder.value()) && holder.lease() == lease.id();
    }

    private void depose(String reason) {
        if (state != State.LEADER) {
            return;
        }
        state = State.STANDBY;
        log.warn("event=election_lost key={} identity={} reason={}", key, identity, reason);
        candidate.deposed(reason);
    }

    /**
     * Leaves the election: rounds stop and the lease is revoked, so that a standby may take over
     * at once. The candidate is not called: it stops acting by itself before closing.
     */
    @Override
    public synchronized void close() {
        if (stopRounds()) {
            state = State.STANDBY;
            lease.revoke();
        }
    }

    /** What a crash leaves behind: rounds stop, the lease is not revoked and expires at its TTL. */
    public synchronized void halt() {
        stopRounds();
        state = State.STANDBY;
    }

    /** Whether no round runs (any more, or ever: a start that failed). */
    private boolean stopRounds() {
        return rounds == null || rounds.stop();
    }
}
