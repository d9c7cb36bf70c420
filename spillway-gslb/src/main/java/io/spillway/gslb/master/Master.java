package io.spillway.gslb.master;

import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.gslb.aggregator.Aggregator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The master aggregator (SPEC G4): an {@link Aggregator} that also keeps the latest picture of
 * the hierarchy durably and tells aggregators about each other.
 *
 * <p>At start it reloads its snapshot file and applies every entry as recovered, with the time
 * the master originally received it, so recovered state still expires by staleAfter and any live
 * report supersedes it. Every aggregator that (re)connects gets the master's whole table as the
 * link's opening snapshot, which is how a restarted aggregator answers for the whole hierarchy
 * before its branches have reconnected. Table changes are written back by a
 * {@link SnapshotWriter}, at most once per period and never on an event loop.
 */
public final class Master implements AutoCloseable {

    /**
     * When {@code gslb.exchange.snapshotFile} is not set, the snapshot is {@code <site>.snapshot.json}
     * in the working directory (as the configuration reader defaults it).
     */
    public static final String DEFAULT_SNAPSHOT_SUFFIX = ".snapshot.json";

    private static final Logger log = LoggerFactory.getLogger(Master.class);

    private final GslbConfig config;
    private final SiteTable table;
    private final Aggregator aggregator;
    private final SnapshotStore store;
    private SnapshotWriter writer;

    public Master(GslbConfig config, SiteTable table, Aggregator aggregator) {
        this.config = config;
        this.table = table;
        this.aggregator = aggregator;
        String file = config.exchange().snapshotFile();
        this.store = new SnapshotStore(Path.of(file == null || file.isBlank()
                ? config.site() + DEFAULT_SNAPSHOT_SUFFIX : file));
    }

    /** Snapshot writes happen at most this often: the exchange interval, at least 100 ms. */
    static Duration writePeriod(GslbConfig config) {
        Duration interval = config.exchange().interval();
        return interval.compareTo(Duration.ofMillis(100)) < 0 ? Duration.ofMillis(100) : interval;
    }

    public InetSocketAddress start() throws InterruptedException {
        int recovered = 0;
        for (SnapshotStore.Entry e : store.read()) {
            if (table.apply(e.report(), e.receivedAtMillis(), true)) {
                recovered++;
            }
        }
        log.info("master {} keeps its snapshot in {} ({} sites recovered from it)", config.site(),
                store.file().toAbsolutePath(), recovered);
        writer = new SnapshotWriter(store, table, config.site(), writePeriod(config));
        table.addListener(e -> writer.markDirty());
        aggregator.addPeerEvents(new PeerDirectory());
        return aggregator.start();
    }

    public Path snapshotFile() {
        return store.file();
    }

    public long snapshotWrites() {
        return writer == null ? 0 : writer.writes();
    }

    @Override
    public void close() {
        aggregator.close();
        if (writer != null) {
            writer.close();
        }
    }
}
