package io.spillway.gslb.master;

import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.etcd.EtcdClient;
import io.spillway.etcd.LeaseElection;
import io.spillway.gslb.aggregator.Aggregator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The master aggregator (SPEC G4): an {@link Aggregator} that also keeps the latest picture of
 * the hierarchy durably and tells aggregators about each other.
 *
 * <p>When it becomes active it loads its durable state and applies every entry as recovered,
 * with the time the master originally received it, so recovered state still expires by
 * staleAfter and any live report supersedes it. Every aggregator that (re)connects gets the
 * master's whole table as the link's opening snapshot, which is how a restarted aggregator
 * answers for the whole hierarchy before its branches have reconnected. Table changes are
 * written back by a {@link SnapshotWriter}, at most once per period and never on an event loop.
 *
 * <p><b>Where the state lives.</b> With {@code snapshotFile} it is one file
 * ({@link SnapshotStore}) and the master is active from the start. With {@code etcd} (issue 12)
 * it is kept in etcd ({@link EtcdState}) and any number of masters with the same site name and
 * the same etcd may run: they elect one active master ({@link LeaseElection} on the key
 * {@code /spillway/gslb/<site>/active}). A standby binds its exchange listener but refuses every
 * peer with a reason ("standby master") and writes nothing; aggregators configured with
 * {@code master: [a, b]} therefore settle on the active one. On takeover the new active master
 * loads the state from etcd before it accepts anyone; a master that loses its lease closes every
 * link at once and refuses again, and its late writes are fenced off by the election key.
 */
public final class Master implements AutoCloseable {

    /**
     * When {@code gslb.exchange.snapshotFile} is not set, the snapshot is {@code <site>.snapshot.json}
     * in the working directory (as the configuration reader defaults it).
     */
    public static final String DEFAULT_SNAPSHOT_SUFFIX = ".snapshot.json";

    private static final Logger log = LoggerFactory.getLogger(Master.class);

    /** How this master stands: the only master of a file, or active or standby in an etcd election. */
    public enum Standing { ACTIVE, STANDBY }

    private final GslbConfig config;
    private final SiteTable table;
    private final Aggregator aggregator;
    private final MasterState state;
    private final LeaseElection election;
    private volatile boolean active;
    private volatile int loaded;
    private SnapshotWriter writer;
    private boolean stopped;

    public Master(GslbConfig config, SiteTable table, Aggregator aggregator) {
        this.config = config;
        this.table = table;
        this.aggregator = aggregator;
        List<URI> etcd = config.exchange().etcd();
        if (etcd.isEmpty()) {
            String file = config.exchange().snapshotFile();
            this.state = new SnapshotStore(Path.of(file == null || file.isBlank()
                    ? config.site() + DEFAULT_SNAPSHOT_SUFFIX : file));
            this.election = null;
        } else {
            Duration round = electionRound(config);
            Duration timeout = EtcdClient.timeoutFor(round);
            EtcdClient client = new EtcdClient(etcd, timeout);
            String key = electionKey(config.site());
            String identity = identity(config.site());
            this.state = new EtcdState(client, etcd, config.site(), key, identity);
            this.election = new LeaseElection(client, key, identity, round, timeout, new Candidacy());
        }
    }

    /** Snapshot writes happen at most this often: the exchange interval, at least 100 ms. */
    static Duration writePeriod(GslbConfig config) {
        Duration interval = config.exchange().interval();
        return interval.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : interval;
    }

    /**
     * How often the masters of an etcd election renew their lease and a standby campaigns: the
     * exchange interval within 200 ms to 1 s. The lease lives eight rounds (at least 2 s), which
     * bounds how long a crashed active master goes unreplaced.
     */
    static Duration electionRound(GslbConfig config) {
        return EtcdClient.timeoutFor(config.exchange().interval());
    }

    /** The election key of the masters of {@code site}. */
    static String electionKey(String site) {
        return "/spillway/gslb/" + site + "/active";
    }

    /** Unique among the candidates, readable by an operator: site, host, process and a random part. */
    private static String identity(String site) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return site + "@" + host + ":" + ProcessHandle.current().pid() + "#"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    }

    /**
     * Binds the exchange listener. With a snapshot file, loads it and acts at once. With etcd,
     * refuses peers until this master wins the election.
     *
     * @throws IOException etcd cannot be reached (the message names the endpoints)
     */
    public InetSocketAddress start() throws InterruptedException, IOException {
        writer = new SnapshotWriter(state, table, config.site(), writePeriod(config));
        table.addListener(e -> {
            if (active) {
                writer.markDirty();
            }
        });
        aggregator.addPeerEvents(new PeerDirectory());
        if (election == null) {
            load();
            active = true;
            return aggregator.start();
        }
        aggregator.refuseWhile(() -> active ? null
                : "standby master of site " + config.site() + ": another master of the site is active");
        InetSocketAddress bound = aggregator.start();
        try {
            election.start();
        } catch (IOException e) {
            halt();
            throw new IOException("gslb master " + config.site() + " cannot reach etcd at "
                    + config.exchange().etcd() + " (gslb.exchange.etcd): " + e, e);
        }
        log.info("master {} keeps its snapshot in {}; campaigning as {}", config.site(), state.where(),
                election.identity());
        return bound;
    }

    private void load() throws IOException {
        int recovered = 0;
        for (SnapshotStore.Entry e : state.read()) {
            if (table.apply(e.report(), e.receivedAtMillis(), true)) {
                recovered++;
            }
        }
        loaded = recovered;
        log.info("master {} keeps its snapshot in {} ({} sites recovered from it)", config.site(), state.where(),
                recovered);
    }

    /** The election's callbacks, on the election's thread. */
    private final class Candidacy implements LeaseElection.Candidate {

        @Override
        public void elected() throws IOException {
            load();
            active = true;
            writer.markDirty(); // what the table held before (and what peers send next) goes back to etcd
            log.info("event=master_active site={} identity={}", config.site(), election.identity());
        }

        @Override
        public void deposed(String reason) {
            active = false;
            aggregator.closeLinks("standby", "master " + config.site() + " is no longer active: " + reason);
            log.warn("event=master_standby site={} identity={} reason={}", config.site(), election.identity(), reason);
        }
    }

    /** Active (the only master of a file, or the elected one), or standby. */
    public Standing standing() {
        return active ? Standing.ACTIVE : Standing.STANDBY;
    }

    /** The identity in the etcd election key, or null with a snapshot file (or when no one holds it). */
    public String activeIdentity() {
        return election == null ? null : election.leader();
    }

    /** This master's identity in the etcd election, or null with a snapshot file. */
    public String identity() {
        return election == null ? null : election.identity();
    }

    /** Where the durable state lives: the snapshot file, or etcd's endpoints and prefix. */
    public String stateLocation() {
        return state.where();
    }

    /** Sites recovered from the durable state when this master last became active. */
    public int sitesLoaded() {
        return loaded;
    }

    /** The snapshot file, or null when the state is kept in etcd. */
    public Path snapshotFile() {
        return state instanceof SnapshotStore s ? s.file() : null;
    }

    public long snapshotWrites() {
        return writer == null ? 0 : writer.writes();
    }

    /** Links first, then a last write while still active, then the lease: a standby takes over at once. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        aggregator.close();
        if (writer != null) {
            writer.close();
        }
        active = false;
        if (election != null) {
            election.close();
        }
    }

    /**
     * What a crash leaves behind, for tests: links cut, no last write, the lease left to expire at
     * its TTL, so a standby takes over only then.
     */
    synchronized void halt() {
        if (stopped) {
            return;
        }
        stopped = true;
        active = false;
        if (election != null) {
            election.halt();
        }
        aggregator.close();
        if (writer != null) {
            writer.abandon();
        }
    }
}
