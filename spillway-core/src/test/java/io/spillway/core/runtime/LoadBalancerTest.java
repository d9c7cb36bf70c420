package io.spillway.core.runtime;

import io.spillway.core.model.LbMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.spillway.core.runtime.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

class LoadBalancerTest {

    @Test
    void roundRobinTakesTurns() {
        List<Service> s = List.of(service("a", 0), service("b", 0), service("c", 0));
        Map<String, Integer> counts = pickMany(LoadBalancer.create(LbMethod.ROUNDROBIN, s), 300, true);
        assertThat(counts).containsEntry("a", 100).containsEntry("b", 100).containsEntry("c", 100);
    }

    @Test
    void weightedRoundRobinFollowsWeightsSmoothly() {
        List<Service> s = List.of(service("a", 0, 5), service("b", 0, 1), service("c", 0, 1));
        LoadBalancer lb = LoadBalancer.create(LbMethod.WEIGHTEDROUNDROBIN, s);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            Service got = lb.select(0);
            order.append(got.name());
            got.release();
        }
        assertThat(order.toString()).isEqualTo("aabacaa");
    }

    @Test
    void leastConnectionPrefersTheIdlest() {
        Service a = service("a", 0);
        Service b = service("b", 0);
        LoadBalancer lb = LoadBalancer.create(LbMethod.LEASTCONNECTION, List.of(a, b));
        a.acquireForced();
        a.acquireForced();
        assertThat(lb.select(0)).isSameAs(b);
        assertThat(lb.select(0)).isSameAs(b);
        // now 2:2, next two split
        Service third = lb.select(0);
        Service fourth = lb.select(0);
        assertThat(third).isNotSameAs(fourth);
    }

    @Test
    void leastResponseTimePrefersTheFastest() {
        Service slow = service("slow", 0);
        Service fast = service("fast", 0);
        slow.recordServedTime(50_000_000);
        fast.recordServedTime(1_000_000);
        LoadBalancer lb = LoadBalancer.create(LbMethod.LEASTRESPONSETIME, List.of(slow, fast));
        Map<String, Integer> counts = pickMany(lb, 20, false);
        assertThat(counts.getOrDefault("fast", 0)).isGreaterThan(counts.getOrDefault("slow", 0));
    }

    @Test
    void leastResponseTimeWeighsServedRequestsNotProbeRoundTrips() {
        Service probedSlow = service("probed-slow", 0);
        Service servesSlow = service("serves-slow", 0);
        probedSlow.recordProbeTime(900_000_000);
        probedSlow.recordServedTime(1_000_000);
        servesSlow.recordProbeTime(1_000_000);
        servesSlow.recordServedTime(50_000_000);
        LoadBalancer lb = LoadBalancer.create(LbMethod.LEASTRESPONSETIME, List.of(probedSlow, servesSlow));
        Map<String, Integer> counts = pickMany(lb, 20, false);
        assertThat(counts.getOrDefault("probed-slow", 0)).isGreaterThan(counts.getOrDefault("serves-slow", 0));
    }

    @Test
    void servedTimeAndProbeTimeMoveOnlyWithTheirOwnSamples() {
        Service s = service("s", 0);
        s.recordProbeTime(7_000_000);
        assertThat(s.servedTime().hasSamples()).isFalse();
        assertThat(s.traffic().servedRequests()).isZero();
        s.recordServedTime(3_000_000);
        assertThat(s.probeTime().millis()).isEqualTo(7.0);
        assertThat(s.servedTime().millis()).isEqualTo(3.0);
        assertThat(s.traffic().servedNanos()).isEqualTo(3_000_000);
        assertThat(s.traffic().servedRequests()).isEqualTo(1);
    }

    @Test
    void sourceIpHashIsStickyAndMovesOnlyTheClientsOfAFailedService() {
        List<Service> s = List.of(service("a", 0), service("b", 0), service("c", 0));
        LoadBalancer lb = LoadBalancer.create(LbMethod.SOURCEIPHASH, s);
        Map<Integer, Service> before = new HashMap<>();
        for (int client = 0; client < 300; client++) {
            Service got = lb.select(client);
            got.release();
            before.put(client, got);
            assertThat(lb.select(client)).isSameAs(got);
            got.release();
        }
        assertThat(before.values()).contains(s.get(0), s.get(1), s.get(2));
        s.get(1).disable();
        for (int client = 0; client < 300; client++) {
            Service got = lb.select(client);
            got.release();
            if (before.get(client) != s.get(1)) {
                assertThat(got).isSameAs(before.get(client));
            } else {
                assertThat(got).isNotSameAs(s.get(1));
            }
        }
    }

    @Test
    void capacityIsAHardLimitWhileAnotherServiceHasRoom() {
        Service small = service("small", 1);
        Service big = service("big", 3);
        LoadBalancer lb = LoadBalancer.create(LbMethod.ROUNDROBIN, List.of(small, big));
        for (int i = 0; i < 4; i++) {
            lb.select(0);
        }
        assertThat(small.activeConnections()).isEqualTo(1);
        assertThat(big.activeConnections()).isEqualTo(3);
        // nobody has room: the preferred UP service takes it anyway
        assertThat(lb.select(0)).isNotNull();
        assertThat(small.activeConnections() + big.activeConnections()).isEqualTo(5);
    }

    @Test
    void anAttemptTriesEveryUpServiceOnceAndNeverADownOne() {
        Service a = service("a", 0);
        Service b = service("b", 0);
        Service c = service("c", 0);
        LoadBalancer lb = LoadBalancer.create(LbMethod.ROUNDROBIN, List.of(a, b, c));
        c.setHealth(false, "down");
        for (int i = 0; i < 10; i++) {
            LoadBalancer.Attempt attempt = lb.attempt(0);
            Service first = attempt.next();
            assertThat(attempt.triedBefore()).isFalse();
            Service second = attempt.next();
            assertThat(attempt.triedBefore()).isTrue();
            assertThat(List.of(first, second)).containsExactlyInAnyOrder(a, b);
            assertThat(attempt.next()).as("every UP service tried").isNull();
            first.release();
            second.release();
        }
    }

    @ParameterizedTest(name = "{0}, service {1} DOWN")
    @MethodSource("methodsAndDownIndex")
    void spreadsADownServicesShareEvenlyOverTheUpOnes(LbMethod method, int down) {
        List<Service> s = List.of(service("a", 0), service("b", 0), service("c", 0));
        LoadBalancer lb = LoadBalancer.create(method, s);
        s.get(down).setHealth(false, "killed");
        Map<String, Integer> counts = pickMany(lb, 3000, true);
        assertThat(counts).doesNotContainKey(s.get(down).name());
        assertThat(counts.values()).hasSize(2).allSatisfy(n -> assertThat(n).isEqualTo(1500));
    }

    static Stream<Arguments> methodsAndDownIndex() {
        return Stream.of(LbMethod.ROUNDROBIN, LbMethod.WEIGHTEDROUNDROBIN, LbMethod.LEASTCONNECTION,
                        LbMethod.LEASTRESPONSETIME)
                .flatMap(m -> Stream.of(0, 1, 2).map(i -> Arguments.of(m, i)));
    }

    @Test
    void roundRobinSpreadsADisabledServicesShareEvenly() {
        List<Service> s = List.of(service("a", 0), service("b", 0), service("c", 0), service("d", 0));
        LoadBalancer lb = LoadBalancer.create(LbMethod.ROUNDROBIN, s);
        s.get(1).disable();
        Map<String, Integer> counts = pickMany(lb, 3000, true);
        assertThat(counts).containsOnly(Map.entry("a", 1000), Map.entry("c", 1000), Map.entry("d", 1000));
    }

    @Test
    void weightedRoundRobinSpreadsADownServicesShareInProportionToTheOthersWeights() {
        List<Service> s = List.of(service("a", 0, 3), service("b", 0, 2), service("c", 0, 1));
        LoadBalancer lb = LoadBalancer.create(LbMethod.WEIGHTEDROUNDROBIN, s);
        s.get(0).setHealth(false, "killed");
        assertThat(pickMany(lb, 3000, true)).containsOnly(Map.entry("b", 2000), Map.entry("c", 1000));
    }

    @Test
    void weightedRoundRobinStaysSmoothOverTheUpSetAndReturnsToTheFullSetWhenTheServiceIsBack() {
        List<Service> s = List.of(service("a", 0, 1), service("b", 0, 5), service("c", 0, 1),
                service("d", 0, 1));
        LoadBalancer lb = LoadBalancer.create(LbMethod.WEIGHTEDROUNDROBIN, s);
        s.get(0).disable();
        // the smooth order of b:5, c:1, d:1 is b b c b d b b: never a burst of five b
        assertThat(order(lb, 14)).isEqualTo("bbcbdbbbbcbdbb");
        s.get(0).enable();
        Map<String, Integer> counts = pickMany(lb, 8000, true);
        assertThat(counts).containsOnly(Map.entry("a", 1000), Map.entry("b", 5000), Map.entry("c", 1000),
                Map.entry("d", 1000));
    }

    private static String order(LoadBalancer lb, int n) {
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Service got = lb.select(0);
            order.append(got.name());
            got.release();
        }
        return order.toString();
    }

    private static Map<String, Integer> pickMany(LoadBalancer lb, int n, boolean release) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Service got = lb.select(i);
            counts.merge(got.name(), 1, Integer::sum);
            if (release) {
                got.release();
            }
        }
        return counts;
    }
}
