package io.spillway.gslb.hierarchy;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.gslb.GslbNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SPEC G1-G4 end to end on loopback: one master, two aggregators (A, B) that know only the
 * master, and four branches, two per aggregator, each knowing only its own aggregator.
 */
class HierarchyTest {

    static final Duration INTERVAL = Duration.ofMillis(50);
    static final Duration STALE = Duration.ofMillis(1000);
    static final Duration WAIT = Duration.ofSeconds(10);

    Path dir;


    @RegisterExtension
    final Hierarchy h = new Hierarchy(INTERVAL, STALE);
    GslbNode master;
    GslbNode a;
    GslbNode b;
    Hierarchy.BranchUnderTest a1;
    Hierarchy.BranchUnderTest a2;
    Hierarchy.BranchUnderTest b1;
    Hierarchy.BranchUnderTest b2;

    @BeforeEach
    void build() throws Exception {
        dir = Hierarchy.scratchDir();
        master = h.master("master", dir.resolve("snapshot.json"));
        HostPort m = Hierarchy.addressOf(master);
        a = h.aggregator("agg-a", m, List.of());
        b = h.aggregator("agg-b", m, List.of());
        a1 = h.branch("branch-a1", Hierarchy.addressOf(a));
        a2 = h.branch("branch-a2", Hierarchy.addressOf(a));
        b1 = h.branch("branch-b1", Hierarchy.addressOf(b));
        b2 = h.branch("branch-b2", Hierarchy.addressOf(b));
        await().atMost(WAIT).until(() -> availableSites(a.table()).size() == 4 && availableSites(b.table()).size() == 4
                && availableSites(master.table()).size() == 4);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close(); // before its snapshot directory goes (the extension's close after it does nothing more)
        Hierarchy.deleteTree(dir);
    }

    static Set<String> availableSites(SiteTable table) {
        return table.sites().stream().filter(table::isAvailable).map(SiteEntry::site).collect(Collectors.toSet());
    }

    static DomainReport domain(GslbNode node, String site) {
        return node.table().site(site).flatMap(e -> e.report().domain(Hierarchy.DOMAIN)).orElseThrow();
    }

    @Test
    void branchKnownOnlyToAggregatorAIsKnownToAggregatorBAndTheMaster() {
        SiteEntry atB = b.table().site("branch-a1").orElseThrow();
        assertThat(atB.report().aggregator()).isEqualTo("agg-a");
        assertThat(atB.report().domain(Hierarchy.DOMAIN).orElseThrow().address()).isEqualTo(a1.published());
        assertThat(b.table().candidates(Hierarchy.DOMAIN)).extracting(SiteTable.Candidate::site)
                .containsExactly("branch-a1", "branch-a2", "branch-b1", "branch-b2");
        assertThat(master.table().site("branch-b2").orElseThrow().report().aggregator()).isEqualTo("agg-b");
        assertThat(a.aggregator().connectedBranches()).containsExactlyInAnyOrder("branch-a1", "branch-a2");
    }

    @Test
    void aggregatorsKnowingOnlyTheMasterFindEachOther() {
        await().atMost(WAIT).until(() -> a.aggregator().connectedPeers().contains("agg-b")
                && b.aggregator().connectedPeers().contains("agg-a"));
        assertThat(a.aggregator().connectedPeers()).containsExactlyInAnyOrder("master", "agg-b");
        // agg-b leaves: the master's next announcement stops agg-a's dialer (from an event loop)
        h.kill(b);
        await().atMost(WAIT).until(() -> a.aggregator().connectedPeers().equals(Set.of("master")));
        assertThat(a.table().isAvailable("branch-a1")).isTrue();
    }

    @Test
    void branchReportsItsVServerFiguresAndTheyReachOtherAggregators() {
        DomainReport d = domain(b, "branch-a1");
        assertThat(d.up()).isTrue();
        assertThat(d.capacity()).isEqualTo(Hierarchy.CAPACITY);
        assertThat(d.availableCapacity()).isEqualTo(Hierarchy.CAPACITY);
        assertThat(d.availableServices()).isEqualTo(1);
        assertThat(d.serviceWeightSum()).isEqualTo(2);
        assertThat(d.vserver()).isEqualTo("shop");
    }

    @Test
    void vServerThatFillsUpShowsNoAvailableCapacityAtTheOtherAggregator() {
        VirtualServer shop = a1.graph().vserver("shop");
        for (int i = 0; i < Hierarchy.CAPACITY; i++) {
            assertThat(shop.tryAcquire()).isTrue();
        }
        await().atMost(WAIT).until(() -> domain(b, "branch-a1").availableCapacity() == 0);
        DomainReport d = domain(b, "branch-a1");
        assertThat(d.activeConnections()).isEqualTo(Hierarchy.CAPACITY);
        assertThat(d.requestsServed()).isEqualTo(Hierarchy.CAPACITY);
        shop.release();
        await().atMost(WAIT).until(() -> domain(b, "branch-a1").availableCapacity() == 1);
    }

    @Test
    void branchWhoseServicesGoDownIsNoCandidateAtTheOtherAggregator() {
        a2.graph().service("branch-a2-web").disable();
        await().atMost(WAIT).until(() -> !domain(b, "branch-a2").up());
        assertThat(b.table().candidates(Hierarchy.DOMAIN)).extracting(SiteTable.Candidate::site)
                .doesNotContain("branch-a2").contains("branch-a1");
        assertThat(domain(b, "branch-a2").capacity()).isZero();
        a2.graph().service("branch-a2-web").enable();
        await().atMost(WAIT).until(() -> domain(b, "branch-a2").up());
    }

    @Test
    void killedAggregatorsBranchesBecomeUnavailableElsewhereAfterStaleAfter() {
        h.kill(a);
        await().atMost(WAIT).until(() -> !b.table().isAvailable("branch-a1") && !b.table().isAvailable("branch-a2"));
        assertThat(b.table().isAvailable("branch-b1")).isTrue();
        assertThat(b.table().site("branch-a1")).isPresent();
        assertThat(b.table().candidates(Hierarchy.DOMAIN)).extracting(SiteTable.Candidate::site)
                .containsExactly("branch-b1", "branch-b2");
        assertThat(master.table().isAvailable("branch-a1")).isFalse();
    }

    @Test
    void restartedAggregatorHasTheWholeTableFromTheMasterBeforeItsBranchesReconnect() throws Exception {
        long epochBefore = a.table().site("branch-a1").orElseThrow().report().epoch();
        h.kill(a);
        // a new process at a new port: its old branches cannot reach it, so all it knows comes from the master
        SiteTable fresh = new SiteTable(STALE);
        GslbNode restarted = h.aggregator("agg-a", Hierarchy.addressOf(master), List.of(), fresh);
        await().atMost(WAIT).until(() -> availableSites(fresh).size() == 4);
        SiteEntry own = fresh.site("branch-a1").orElseThrow();
        assertThat(own.report().epoch()).isEqualTo(epochBefore);
        assertThat(fresh.isAvailable(own)).isTrue();
        assertThat(own.report().aggregator()).isEqualTo("agg-a");
        assertThat(restarted.aggregator().connectedBranches()).isEmpty();
        assertThat(fresh.candidates(Hierarchy.DOMAIN)).hasSize(4);
        // live reports of B's branches supersede the recovered picture; A's old branches age out
        await().atMost(WAIT).until(() -> !fresh.site("branch-b1").orElseThrow().recovered()
                && fresh.site("branch-b1").orElseThrow().report().sequence()
                > master.table().site("branch-b1").orElseThrow().report().sequence() - 5);
        await().atMost(WAIT).until(() -> !fresh.isAvailable("branch-a1"));
        assertThat(fresh.isAvailable("branch-b1")).isTrue();
    }

    @Test
    void branchReconnectsToItsRestartedAggregatorAndReportsLive() throws Exception {
        HostPort addressOfA = Hierarchy.addressOf(a);
        h.kill(a);
        // restart on the same port: the branches redial with backoff and report live again
        GslbNode restarted = null;
        for (int attempt = 0; attempt < 50 && restarted == null; attempt++) {
            try {
                restarted = startAggregatorAt(addressOfA);
            } catch (Exception bindRace) {
                await().pollDelay(Duration.ofMillis(20)).until(() -> true);
            }
        }
        assertThat(restarted).isNotNull();
        GslbNode r = restarted;
        await().atMost(WAIT).until(() -> r.aggregator().connectedBranches().size() == 2);
        await().atMost(WAIT).until(() -> r.table().site("branch-a1").map(e -> !e.recovered()).orElse(false));
    }

    private GslbNode startAggregatorAt(HostPort address) throws Exception {
        io.spillway.core.model.GslbConfig c = new io.spillway.core.model.GslbConfig("agg-a",
                io.spillway.core.model.GslbRole.AGGREGATOR,
                h.exchange(address, null, List.of(), Hierarchy.addressOf(master), Hierarchy.SECRET, null),
                List.of(), List.of(), null, null);
        GslbNode node = new GslbNode(h.transport(), c, () -> null, new SiteTable(STALE), null);
        try {
            node.start();
        } catch (Exception e) {
            node.close();
            throw e;
        }
        return node;
    }

    @Test
    void branchForwardsResolveRequestsToItsAggregator() throws Exception {
        Optional<io.spillway.core.gslb.Resolution> r = b1.node()
                .resolveViaAggregator(Hierarchy.DOMAIN, java.net.InetAddress.getByName("127.0.0.9"))
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r).isPresent();
        assertThat(r.get().site()).isEqualTo("branch-a1");
        assertThat(r.get().address()).isEqualTo(a1.published());
        assertThat(b1.node().resolveViaAggregator("other.example.com", null))
                .failsWithin(Duration.ofSeconds(5)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(io.spillway.gslb.resolve.UnknownDomainException.class);
        Optional<io.spillway.core.gslb.Resolution> local = b.resolveViaAggregator(Hierarchy.DOMAIN, null)
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(local.map(io.spillway.core.gslb.Resolution::site)).contains("branch-a1");
    }
}
