package io.spillway.gslb.hierarchy;

import io.spillway.gslb.GslbNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** G3 without a master: aggregators configured as a chain still learn every branch. */
class PeerTopologyTest {

    @Test
    void configuredChainOfAggregatorsPassesReportsEndToEnd() throws Exception {
        try (Hierarchy h = new Hierarchy(Duration.ofMillis(50), Duration.ofSeconds(1))) {
            GslbNode c = h.aggregator("agg-c", null, List.of());
            GslbNode b = h.aggregator("agg-b", null, List.of(Hierarchy.addressOf(c)));
            GslbNode a = h.aggregator("agg-a", null, List.of(Hierarchy.addressOf(b)));
            h.branch("branch-a", Hierarchy.addressOf(a));
            h.branch("branch-c", Hierarchy.addressOf(c));
            await().atMost(Duration.ofSeconds(10)).until(() -> c.table().isAvailable("branch-a")
                    && a.table().isAvailable("branch-c") && b.table().size() == 2);
            assertThat(c.table().site("branch-a").orElseThrow().report().aggregator()).isEqualTo("agg-a");
            assertThat(a.aggregator().connectedPeers()).containsExactly("agg-b");
            assertThat(c.aggregator().connectedPeers()).containsExactly("agg-b");
            // the far end keeps seeing fresh reports, not just the first one
            long seq = c.table().site("branch-a").orElseThrow().report().sequence();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    c.table().site("branch-a").orElseThrow().report().sequence() > seq + 3);
        }
    }
}
