package io.spillway.gslb.master;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;
import io.spillway.etcd.EtcdClient;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.hierarchy.Hierarchy;
import io.spillway.testing.EtcdExtension;
import io.spillway.testing.EtcdServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12, a highly available master: two masters of one site keep their state in a real etcd
 * and elect one active; aggregators list both and follow the active one over real sockets.
 */
class MasterFailoverTest {

    private static final Duration INTERVAL = Duration.ofMillis(50);
    /** Long enough that no site turns stale during a test: what is compared is what is known. */
    private static final Duration STALE_AFTER = Duration.ofSeconds(60);
    /** The election's lease TTL at this interval (2 s), plus rounds and reconnection backoff. */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(15);

    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();
    @RegisterExtension
    final Hierarchy hierarchy = new Hierarchy(INTERVAL, STALE_AFTER);
    private String site;

    @BeforeEach
    void start(TestInfo info) {
        site = "hq-" + info.getTestMethod().orElseThrow().getName(); // each test elects on keys of its own
    }

    @Test
    void theStandbyTakesOverFromACrashedMasterWithTheWholeSiteTable() throws Exception {
        GslbNode first = activeMaster();
        GslbNode second = hierarchy.masterOnEtcd(site, List.of(etcd.url()));
        HostPort a1 = Hierarchy.addressOf(first);
        HostPort a2 = Hierarchy.addressOf(second);
        GslbNode aggA = hierarchy.aggregator("agg-a", List.of(a1, a2), new SiteTable(STALE_AFTER));
        GslbNode aggB = hierarchy.aggregator("agg-b", List.of(a2, a1), new SiteTable(STALE_AFTER)); // standby first
        hierarchy.branch("branch-a1", Hierarchy.addressOf(aggA));
        hierarchy.branch("branch-b1", Hierarchy.addressOf(aggB));
        Set<String> sites = Set.of("branch-a1", "branch-b1");
        await().atMost(Duration.ofSeconds(15)).until(() -> knows(aggA, sites) && knows(aggB, sites)
                && knows(first, sites) && storedInEtcd().equals(sites)
                && aggB.aggregator().connectedPeers().contains(site)); // agg-b skipped the standby it lists first

        assertThat(second.master().standing()).as("one active master").isEqualTo(Master.Standing.STANDBY);
        assertThat(second.aggregator().connectedPeers()).as("a standby answers no one").isEmpty();
        assertThat(first.aggregator().connectedPeers()).containsExactlyInAnyOrder("agg-a", "agg-b");
        Map<String, String> viewA = view(aggA);
        Map<String, String> viewB = view(aggB);

        first.master().halt(); // a crash: no last write, the lease left to expire
        hierarchy.kill(first);

        await().atMost(TAKEOVER_BOUND).until(() -> second.master().standing() == Master.Standing.ACTIVE);
        assertThat(second.master().sitesLoaded()).as("taken over from etcd, before any aggregator is back")
                .isEqualTo(2);
        await().atMost(TAKEOVER_BOUND).until(() -> second.aggregator().connectedPeers().containsAll(
                Set.of("agg-a", "agg-b")));
        assertThat(knows(second, sites)).isTrue();
        assertThat(view(aggA)).as("agg-a's view after the failover").isEqualTo(viewA);
        assertThat(view(aggB)).as("agg-b's view after the failover").isEqualTo(viewB);
    }

    @Test
    void aRestartedAggregatorRecoversTheWholePictureFromTheActiveMaster() throws Exception {
        GslbNode first = activeMaster();
        GslbNode second = hierarchy.masterOnEtcd(site, List.of(etcd.url()));
        List<HostPort> masters = List.of(Hierarchy.addressOf(first), Hierarchy.addressOf(second));
        GslbNode aggA = hierarchy.aggregator("agg-a", masters, new SiteTable(STALE_AFTER));
        GslbNode aggB = hierarchy.aggregator("agg-b", masters, new SiteTable(STALE_AFTER));
        hierarchy.branch("branch-a1", Hierarchy.addressOf(aggA));
        hierarchy.branch("branch-b1", Hierarchy.addressOf(aggB));
        Set<String> sites = Set.of("branch-a1", "branch-b1");
        await().atMost(Duration.ofSeconds(15)).until(() -> knows(first, sites) && storedInEtcd().equals(sites));

        hierarchy.kill(first); // a clean stop revokes the lease: the standby takes over at its next round
        await().atMost(TAKEOVER_BOUND).until(() -> second.master().standing() == Master.Standing.ACTIVE);
        hierarchy.kill(aggA);

        GslbNode restarted = hierarchy.aggregator("agg-a", masters, new SiteTable(STALE_AFTER));
        await().atMost(TAKEOVER_BOUND).until(() -> knows(restarted, sites));
        assertThat(restarted.aggregator().connectedPeers()).contains(site);
        assertThat(restarted.aggregator().connectedBranches()).as("its own branch has not reconnected").isEmpty();
    }

    @Test
    void aMasterThatCannotReachEtcdAtStartFailsWithAClearError() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:" + EtcdServer.freePort());
        assertThatThrownBy(() -> hierarchy.masterOnEtcd(site, List.of(nowhere)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("gslb master " + site + " cannot reach etcd at [" + nowhere + "]")
                .hasMessageContaining("gslb.exchange.etcd");
    }

    /** The first master of the test's site, once it has won the election. */
    private GslbNode activeMaster() throws Exception {
        GslbNode m = hierarchy.masterOnEtcd(site, List.of(etcd.url()));
        await().atMost(Duration.ofSeconds(10)).until(() -> m.master().standing() == Master.Standing.ACTIVE);
        return m;
    }

    private static boolean knows(GslbNode node, Set<String> sites) {
        return node.table().sites().stream().map(SiteEntry::site).toList().containsAll(sites);
    }

    /** The sites the master of the test's site has written to etcd. */
    private Set<String> storedInEtcd() throws IOException {
        EtcdClient client = new EtcdClient(List.of(etcd.url()), Duration.ofSeconds(2));
        String prefix = EtcdState.prefix(site);
        return Set.copyOf(client.range(prefix).kvs().stream().map(kv -> kv.key().substring(prefix.length())).toList());
    }

    /** What an aggregator knows: each site, whether it is available, and what it reported of its domains. */
    /** What selection sees of each site: its availability and domains, not the interval's figures (G1), which every report moves. */
    private static Map<String, String> view(GslbNode node) {
        SiteTable t = node.table();
        Map<String, String> out = new TreeMap<>();
        for (SiteEntry e : t.sites()) {
            out.put(e.site(), (t.isAvailable(e) ? "available " : "unavailable ")
                    + e.report().domains().stream().map(d -> new DomainReport(d.domain(), d.vserver(), d.address(),
                    d.up(), d.capacity(), d.availableCapacity(), d.activeConnections(), d.requestsOutstanding(),
                    d.requestsServed(), d.averageResponseTimeMs(), d.recentResponseTimeMs(), d.errors(),
                    d.bandwidthBytesPerSecond(), d.availableServices(), d.serviceWeightSum()).toString()).toList());
        }
        return out;
    }
}
