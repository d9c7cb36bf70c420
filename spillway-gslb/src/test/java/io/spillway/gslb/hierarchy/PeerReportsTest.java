package io.spillway.gslb.hierarchy;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.gslb.GslbNode;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D1, D2: a branch whose vServer names peers learns their reports through its aggregator (it
 * knows no peer directly), keeps them fresh while the peers report, and sees them go stale when
 * a peer stops.
 */
class PeerReportsTest {

    static final Duration INTERVAL = Duration.ofMillis(50);
    static final Duration STALE_AFTER = Duration.ofMillis(600);

    static Transport transport;
    @RegisterExtension
    final Hierarchy h = new Hierarchy(transport, false, INTERVAL, STALE_AFTER);
    GslbNode agg;
    Hierarchy.BranchUnderTest a;
    Hierarchy.BranchUnderTest b;

    @BeforeAll
    static void startTransport() {
        transport = Transport.create(2);
    }

    @AfterAll
    static void stopTransport() {
        transport.close();
    }

    @BeforeEach
    void start() throws Exception {
        agg = h.aggregator("agg", null, List.of());
        a = h.branch("branch-a", Hierarchy.addressOf(agg), List.of("branch-b"));
        b = h.branch("branch-b", Hierarchy.addressOf(agg));
    }

    DomainReport peerDomainAtA() {
        return a.node().table().site("branch-b").orElseThrow().report().domain(Hierarchy.DOMAIN).orElseThrow();
    }

    @Test
    void branchLearnsItsPeersReportThroughTheAggregator() {
        await().atMost(Duration.ofSeconds(10)).until(() -> a.node().table().isAvailable("branch-b"));
        DomainReport d = peerDomainAtA();
        assertThat(d.up()).isTrue();
        assertThat(d.availableServices()).isEqualTo(1);
        assertThat(d.address()).isEqualTo(b.published());
        // the peer asks for nobody, so it learns nothing; nor does a branch store itself
        assertThat(b.node().table().site("branch-a")).isEmpty();
        assertThat(a.node().table().site("branch-a")).isEmpty();
    }

    @Test
    void peerReportsKeepArrivingWhileThePeerReports() {
        await().atMost(Duration.ofSeconds(10)).until(() -> a.node().table().isAvailable("branch-b"));
        long first = a.node().table().site("branch-b").orElseThrow().report().sequence();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> a.node().table().site("branch-b").orElseThrow().report().sequence() > first + 3);
        assertThat(a.node().table().isAvailable("branch-b")).isTrue();
    }

    @Test
    void peerServiceGoingDownReachesTheBranchWithinAFewIntervals() {
        await().atMost(Duration.ofSeconds(10)).until(() -> a.node().table().isAvailable("branch-b"));
        b.graph().service("branch-b-web").disable();
        await().atMost(Duration.ofSeconds(10)).until(() -> peerDomainAtA().availableServices() == 0);
        assertThat(peerDomainAtA().up()).isFalse();
    }

    @Test
    void peerReportGoesStaleAtTheBranchWhenThePeerStops() {
        await().atMost(Duration.ofSeconds(10)).until(() -> a.node().table().isAvailable("branch-b"));
        h.kill(b.node());
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.node().table().isAvailable("branch-b"));
        SiteEntry kept = a.node().table().site("branch-b").orElseThrow();
        // the branch keeps asking, yet the entry keeps the hierarchy's receive time: it ages, not renews
        long stamp = kept.receivedAtMillis();
        await().pollDelay(INTERVAL.multipliedBy(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(a.node().table().site("branch-b").orElseThrow().receivedAtMillis()).isEqualTo(stamp);
        assertThat(a.node().table().isAvailable("branch-b")).isFalse();
    }
}
