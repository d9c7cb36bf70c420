package io.spillway.core.runtime;

import io.spillway.core.model.LbMethod;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
            Service got = lb.select(0, 0);
            order.append(got.name());
            got.release();
        }
        assertThat(order.toString()).isEqualTo("aabacaa");
        assertThat(WeightedRoundRobin.smoothSequence(new int[] {3, 1})).containsExactly(0, 0, 1, 0);
    }

    @Test
    void leastConnectionPrefersTheIdlest() {
        Service a = service("a", 0);
        Service b = service("b", 0);
        LoadBalancer lb = LoadBalancer.create(LbMethod.LEASTCONNECTION, List.of(a, b));
        a.acquireForced();
        a.acquireForced();
        assertThat(lb.select(0, 0)).isSameAs(b);
        assertThat(lb.select(0, 0)).isSameAs(b);
        // now 2:2, next two split
        Service third = lb.select(0, 0);
        Service fourth = lb.select(0, 0);
        assertThat(third).isNotSameAs(fourth);
    }

    @Test
    void leastResponseTimePrefersTheFastest() {
        Service slow = service("slow", 0);
        Service fast = service("fast", 0);
        slow.responseTime().record(50_000_000);
        fast.responseTime().record(1_000_000);
        LoadBalancer lb = LoadBalancer.create(LbMethod.LEASTRESPONSETIME, List.of(slow, fast));
        Map<String, Integer> counts = pickMany(lb, 20, false);
        assertThat(counts.getOrDefault("fast", 0)).isGreaterThan(counts.getOrDefault("slow", 0));
    }

    @Test
    void sourceIpHashIsStickyAndMovesOnlyTheClientsOfAFailedService() {
        List<Service> s = List.of(service("a", 0), service("b", 0), service("c", 0));
        LoadBalancer lb = LoadBalancer.create(LbMethod.SOURCEIPHASH, s);
        Map<Integer, Service> before = new HashMap<>();
        for (int client = 0; client < 300; client++) {
            Service got = lb.select(client, 0);
            got.release();
            before.put(client, got);
            assertThat(lb.select(client, 0)).isSameAs(got);
            got.release();
        }
        assertThat(before.values()).contains(s.get(0), s.get(1), s.get(2));
        s.get(1).disable();
        for (int client = 0; client < 300; client++) {
            Service got = lb.select(client, 0);
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
            lb.select(0, 0);
        }
        assertThat(small.activeConnections()).isEqualTo(1);
        assertThat(big.activeConnections()).isEqualTo(3);
        // nobody has room: the preferred UP service takes it anyway
        assertThat(lb.select(0, 0)).isNotNull();
        assertThat(small.activeConnections() + big.activeConnections()).isEqualTo(5);
    }

    @Test
    void excludedAndDownServicesAreNeverChosen() {
        Service a = service("a", 0);
        Service b = service("b", 0);
        Service c = service("c", 0);
        LoadBalancer lb = LoadBalancer.create(LbMethod.ROUNDROBIN, List.of(a, b, c));
        c.setHealth(false, "down");
        for (int i = 0; i < 10; i++) {
            Service got = lb.select(0, LoadBalancer.bit(0));
            assertThat(got).isSameAs(b);
            got.release();
        }
        assertThat(lb.select(0, LoadBalancer.bit(0) | LoadBalancer.bit(1))).isNull();
    }

    private static Map<String, Integer> pickMany(LoadBalancer lb, int n, boolean release) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Service got = lb.select(i, 0);
            counts.merge(got.name(), 1, Integer::sum);
            if (release) {
                got.release();
            }
        }
        return counts;
    }
}
