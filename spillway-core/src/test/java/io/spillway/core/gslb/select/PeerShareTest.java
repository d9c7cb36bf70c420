package io.spillway.core.gslb.select;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class PeerShareTest {

    private static final String APP = "app.example.com";
    private final Sites sites = new Sites();

    private static String name(PeerShare share, int self) {
        return share.next(self).map(PeerShare.Target::site).orElse("self");
    }

    private static Map<String, Integer> tally(PeerShare share, int self, int turns) {
        Map<String, Integer> out = new HashMap<>();
        for (int i = 0; i < turns; i++) {
            out.merge(name(share, self), 1, Integer::sum);
        }
        return out;
    }

    @Test
    void selfTenPeerFiveServesTwoLocallyForEveryOneForwarded() {
        sites.reportServices("b", APP, true, 5, 50);
        PeerShare share = new PeerShare(APP, List.of("b"), sites.table, PeerShare.Basis.AVAILABLE_SERVICES);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            order.add(name(share, 10));
        }
        assertThat(order).containsExactly("self", "b", "self", "self", "b", "self");
    }

    @Test
    void forwardedConnectionsGoToThePeersReportedAddress() {
        sites.reportServices("b", APP, true, 5, 50);
        PeerShare share = new PeerShare(APP, List.of("b"), sites.table, PeerShare.Basis.AVAILABLE_SERVICES);
        share.next(5);
        assertThat(share.next(5)).map(t -> t.address().toString()).contains("b.example.net:80");
    }

    @Test
    void sharesAmongSeveralPeersInProportion() {
        sites.reportServices("b", APP, true, 3, 0);
        sites.reportServices("c", APP, true, 1, 0);
        PeerShare share = new PeerShare(APP, List.of("b", "c"), sites.table, PeerShare.Basis.AVAILABLE_SERVICES);
        assertThat(tally(share, 4, 800)).containsEntry("self", 400).containsEntry("b", 300).containsEntry("c", 100);
    }

    @Test
    void weightSumBasisUsesTheSumOfServiceWeights() {
        sites.reportServices("b", APP, true, 1, 30);
        PeerShare share = new PeerShare(APP, List.of("b"), sites.table, PeerShare.Basis.WEIGHT_SUM);
        assertThat(tally(share, 10, 400)).containsEntry("self", 100).containsEntry("b", 300);
    }

    @Test
    void unavailablePeersGetNothing() {
        sites.reportServices("down", APP, false, 5, 5);
        sites.reportServices("stale", APP, true, 5, 5);
        sites.advance(Duration.ofSeconds(3));
        sites.reportServices("other", "other.example.com", true, 5, 5);
        PeerShare share = new PeerShare(APP, List.of("down", "stale", "other", "unknown"), sites.table,
                PeerShare.Basis.AVAILABLE_SERVICES);
        assertThat(tally(share, 3, 30)).containsOnlyKeys("self");
        assertThat(share.weights()).containsEntry("", 3).containsEntry("down", 0).containsEntry("stale", 0)
                .containsEntry("other", 0).containsEntry("unknown", 0);
    }

    @Test
    void everythingIsForwardedWhenThisApplianceHasNoServiceLeft() {
        sites.reportServices("b", APP, true, 2, 2);
        PeerShare share = new PeerShare(APP, List.of("b"), sites.table, PeerShare.Basis.AVAILABLE_SERVICES);
        assertThat(tally(share, 0, 10)).containsOnly(Map.entry("b", 10));
        sites.reportServices("b", APP, true, 0, 0);
        assertThat(tally(share, 0, 10)).as("nobody has anything: serve here").containsOnly(Map.entry("self", 10));
    }

    @Test
    void newProportionHoldsAsSoonAsAReportChanges() {
        sites.reportServices("b", APP, true, 5, 0);
        PeerShare share = new PeerShare(APP, List.of("b"), sites.table, PeerShare.Basis.AVAILABLE_SERVICES);
        assertThat(tally(share, 5, 10)).containsEntry("self", 5).containsEntry("b", 5);
        sites.reportServices("b", APP, true, 15, 0);
        assertThat(tally(share, 5, 20)).containsEntry("self", 5).containsEntry("b", 15);
        assertThat(tally(share, 15, 20)).as("own number changed too").containsEntry("self", 10).containsEntry("b", 10);
    }

    @Test
    void proportionIsExactWhenConnectionsRace() throws Exception {
        sites.reportServices("b", APP, true, 1, 0);
        PeerShare share = new PeerShare(APP, List.of("b"), sites.table, PeerShare.Basis.AVAILABLE_SERVICES);
        Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 3000; i++) {
                    counts.computeIfAbsent(name(share, 2), k -> new AtomicInteger()).incrementAndGet();
                }
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join(10_000);
        }
        assertThat(counts.get("self").get()).isEqualTo(8000);
        assertThat(counts.get("b").get()).isEqualTo(4000);
    }
}
