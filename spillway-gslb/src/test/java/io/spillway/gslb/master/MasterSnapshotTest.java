package io.spillway.gslb.master;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.hierarchy.Hierarchy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** G4: the master's durable snapshot, its reload, and what it serves to aggregators. */
class MasterSnapshotTest {

    static final Duration STALE = Duration.ofSeconds(30);

    Path dir;

    @BeforeEach
    void scratch() throws Exception {
        dir = Hierarchy.scratchDir();
    }

    @AfterEach
    void removeScratch() throws Exception {
        Hierarchy.deleteTree(dir);
    }

    static SiteReport report(String site, long seq) {
        DomainReport d = new DomainReport(Hierarchy.DOMAIN, "shop", new HostPort("127.0.0.1", 8080), true, 10, 7, 3,
                3, 100, 1.5, 2.5, 0, 0, 1, 1);
        return new SiteReport(site, "agg", 1000, seq, 5000, List.of(d));
    }

    @Test
    void storeWritesAtomicallyAndReadsBackEveryEntry() throws Exception {
        Path file = dir.resolve("snap.json");
        SnapshotStore store = new SnapshotStore(file);
        SiteTable table = new SiteTable(STALE);
        table.apply(report("b1", 3), 1234, false);
        table.apply(report("b2", 9), 5678, true);
        store.write("m", table.sites(), 9999);
        store.write("m", table.sites(), 10000);
        List<SnapshotStore.Entry> back = store.read();
        assertThat(back).extracting(e -> e.report().site()).containsExactlyInAnyOrder("b1", "b2");
        SnapshotStore.Entry b2 = back.stream().filter(e -> e.report().site().equals("b2")).findFirst().orElseThrow();
        assertThat(b2.receivedAtMillis()).isEqualTo(5678);
        assertThat(b2.recovered()).isTrue();
        assertThat(b2.report()).isEqualTo(report("b2", 9));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void missingOrCorruptSnapshotIsIgnored() throws Exception {
        Path file = dir.resolve("snap.json");
        assertThat(new SnapshotStore(file).read()).isEmpty();
        Files.writeString(file, "{\"format\":1,\"entries\":[{\"report\":");
        assertThat(new SnapshotStore(file).read()).isEmpty();
        Files.writeString(file, "{\"format\":99,\"entries\":[]}");
        assertThat(new SnapshotStore(file).read()).isEmpty();
        Files.writeString(file, "{\"format\":1,\"entries\":[{\"receivedAtMillis\":1}]}");
        assertThat(new SnapshotStore(file).read()).isEmpty();
        Files.write(file, new byte[] {0, 1, 2, (byte) 0xff});
        assertThat(new SnapshotStore(file).read()).isEmpty();
    }

    @Test
    void masterStartsEmptyFromACorruptFileAndOverwritesIt() throws Exception {
        Path file = dir.resolve("snap.json");
        Files.writeString(file, "garbage");
        try (Hierarchy h = new Hierarchy(Duration.ofMillis(50), STALE)) {
            GslbNode master = h.master("master", file);
            assertThat(master.table().size()).isZero();
            GslbNode agg = h.aggregator("agg", Hierarchy.addressOf(master), List.of());
            h.branch("b1", Hierarchy.addressOf(agg));
            await().atMost(Duration.ofSeconds(10)).until(() -> new SnapshotStore(file).read().size() == 1);
        }
    }

    @Test
    void restartedMasterRecoversItsTableAndServesItToAnAggregator() throws Exception {
        Path file = dir.resolve("snap.json");
        long receivedAt;
        try (Hierarchy h = new Hierarchy(Duration.ofMillis(50), STALE)) {
            GslbNode master = h.master("master", file);
            GslbNode agg = h.aggregator("agg", Hierarchy.addressOf(master), List.of());
            h.branch("b1", Hierarchy.addressOf(agg));
            h.branch("b2", Hierarchy.addressOf(agg));
            await().atMost(Duration.ofSeconds(10)).until(() -> master.table().size() == 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> master.master().snapshotWrites() > 0);
            h.kill(master);
            receivedAt = new SnapshotStore(file).read().stream()
                    .filter(e -> e.report().site().equals("b1")).findFirst().orElseThrow().receivedAtMillis();
        }
        try (Hierarchy h = new Hierarchy(Duration.ofMillis(50), STALE)) {
            GslbNode master = h.master("master", file);
            SiteEntry b1 = master.table().site("b1").orElseThrow();
            assertThat(b1.recovered()).isTrue();
            assertThat(b1.receivedAtMillis()).isEqualTo(receivedAt);
            assertThat(master.table().isAvailable("b1")).isTrue();
            SiteTable aggTable = new SiteTable(STALE);
            h.aggregator("agg", Hierarchy.addressOf(master), List.of(), aggTable);
            await().atMost(Duration.ofSeconds(10)).until(() -> aggTable.size() == 2);
            SiteEntry atAgg = aggTable.site("b2").orElseThrow();
            assertThat(atAgg.recovered()).isTrue();
            assertThat(atAgg.receivedAtMillis()).isLessThanOrEqualTo(System.currentTimeMillis());
            assertThat(aggTable.candidates(Hierarchy.DOMAIN)).hasSize(2);
        }
    }

    @Test
    void recoveredStateStillExpiresByStaleAfter() throws Exception {
        Path file = dir.resolve("snap.json");
        SiteTable old = new SiteTable(STALE);
        long now = System.currentTimeMillis();
        old.apply(report("fresh", 1), now, false);
        old.apply(report("ancient", 1), now - STALE.toMillis() - 1000, false);
        new SnapshotStore(file).write("master", old.sites(), now);
        try (Hierarchy h = new Hierarchy(Duration.ofMillis(50), STALE)) {
            GslbNode master = h.master("master", file);
            assertThat(master.table().isAvailable("fresh")).isTrue();
            assertThat(master.table().isAvailable("ancient")).isFalse();
            SiteTable aggTable = new SiteTable(STALE);
            h.aggregator("agg", Hierarchy.addressOf(master), List.of(), aggTable);
            await().atMost(Duration.ofSeconds(10)).until(() -> aggTable.size() == 2);
            assertThat(aggTable.isAvailable("fresh")).isTrue();
            assertThat(aggTable.isAvailable("ancient")).isFalse();
        }
    }
}
