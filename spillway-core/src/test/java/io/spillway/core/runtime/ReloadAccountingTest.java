package io.spillway.core.runtime;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.spillway.core.runtime.Fixtures.dynamic;
import static io.spillway.core.runtime.Fixtures.persistent;
import static io.spillway.core.runtime.Fixtures.service;
import static io.spillway.core.runtime.Fixtures.vserver;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * S7 across a reload (P3): a vServer or service that a reload changes is a new object, but it
 * counts on its predecessor's slots, so connections admitted before the reload stay counted and
 * a lowered limit is never overshot.
 */
class ReloadAccountingTest {

    private static final InetAddress CLIENT = address("10.0.0.1");
    private static final InetAddress OTHER_CLIENT = address("10.0.0.2");

    /** primary (service p, capacity {@code primaryCapacity}) spilling to backup (service b, capacity 2). */
    private static SpillwayConfig config(int primaryCapacity, SpilloverConfig primarySpill) {
        ServiceConfig p = service("p", primaryCapacity).config();
        ServiceConfig b = service("b", 2).config();
        VServerConfig backup = vserver("backup", LbMethod.ROUNDROBIN, dynamic(null, WhenFull.DROP), "b");
        VServerConfig primary = vserver("primary", LbMethod.ROUNDROBIN, primarySpill, "p");
        return new SpillwayConfig(null, List.of(), List.of(p, b), List.of(primary, backup), null);
    }

    private static SpillwayConfig config(int primaryCapacity) {
        return config(primaryCapacity, dynamic("backup", WhenFull.DROP));
    }

    /** A connection as the proxy holds one: a vServer slot and a service slot. */
    private record Held(VirtualServer vserver, Service service) {
        void close() {
            service.release();
            vserver.release();
        }
    }

    private static Held admit(RuntimeGraph graph) {
        return admit(graph, CLIENT);
    }

    private static Held admit(RuntimeGraph graph, InetAddress client) {
        VirtualServer vs = graph.chain("primary").admit(client);
        if (vs == null) {
            return null;
        }
        Service s = vs.loadBalancer().select(0);
        assertThat(s).as("a service slot under " + vs.name()).isNotNull();
        return new Held(vs, s);
    }

    private static List<Held> admitAll(RuntimeGraph graph, int n) {
        List<Held> held = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            held.add(admit(graph));
        }
        return held;
    }

    @Test
    void changedServiceAndVServerKeepTheirActiveCountsAndCounters() {
        RuntimeGraph old = RuntimeGraph.build(config(5));
        List<Held> held = admitAll(old, 7); // 5 on primary, 2 spilled to backup
        assertThat(admit(old)).as("the whole chain is full").isNull();

        RuntimeGraph next = RuntimeGraph.build(config(3), old);

        VirtualServer primary = next.vserver("primary");
        Service p = next.service("p");
        assertThat(p).isNotSameAs(old.service("p"));
        assertThat(primary).isNotSameAs(old.vserver("primary"));
        assertThat(p.capacity()).isEqualTo(3);
        assertThat(primary.threshold()).isEqualTo(3);
        assertThat(p.activeConnections()).isEqualTo(5);
        assertThat(primary.activeConnections()).isEqualTo(5);
        assertThat(primary.admitted()).isEqualTo(5);
        assertThat(primary.spillovers()).isEqualTo(3);
        assertThat(primary.drops()).isEqualTo(1);
        // nothing of the backup changed: same object, same count
        assertThat(next.vserver("backup")).isSameAs(old.vserver("backup"));
        assertThat(next.vserver("backup").activeConnections()).isEqualTo(2);
        held.forEach(Held::close);
    }

    @Test
    void releasesOnReplacedObjectsAreSeenByTheirSuccessorsExactlyOnce() {
        RuntimeGraph old = RuntimeGraph.build(config(5));
        List<Held> held = admitAll(old, 4);
        RuntimeGraph next = RuntimeGraph.build(config(6), old);
        RuntimeGraph third = RuntimeGraph.build(config(7), next);

        held.get(0).close();
        assertThat(next.vserver("primary").activeConnections()).isEqualTo(3);
        assertThat(third.vserver("primary").activeConnections()).isEqualTo(3);
        assertThat(third.service("p").activeConnections()).isEqualTo(3);

        Held fresh = admit(third);
        assertThat(fresh.vserver()).isSameAs(third.vserver("primary"));
        assertThat(old.vserver("primary").activeConnections()).as("one count, whichever object reads it").isEqualTo(4);

        held.subList(1, 4).forEach(Held::close);
        fresh.close();
        assertThat(third.vserver("primary").activeConnections()).isZero();
        assertThat(third.service("p").activeConnections()).isZero();
        assertThat(third.vserver("primary").admitted()).isEqualTo(5);
    }

    @Test
    void loweredCapacityRefusesTheNextAdmissionUntilTheCountFallsBelowIt() {
        RuntimeGraph old = RuntimeGraph.build(config(5, dynamic(null, WhenFull.DROP)));
        List<Held> held = admitAll(old, 5);

        RuntimeGraph next = RuntimeGraph.build(config(3, dynamic(null, WhenFull.DROP)), old);
        assertThat(admit(next)).as("5 active on a threshold of 3").isNull();
        assertThat(next.service("p").tryAcquire()).as("5 active on a capacity of 3").isFalse();

        held.get(0).close();
        held.get(1).close();
        assertThat(admit(next)).as("3 active on a threshold of 3").isNull();

        held.get(2).close();
        Held admitted = admit(next);
        assertThat(admitted).isNotNull();
        assertThat(admitted.vserver()).isSameAs(next.vserver("primary"));
        assertThat(admit(next)).isNull();
        assertThat(next.vserver("primary").activeConnections()).isEqualTo(3);
        assertThat(next.vserver("primary").drops()).isEqualTo(3);
    }

    @Test
    void loweredStaticThresholdAppliesToTheNextAdmission() {
        SpilloverConfig four = new SpilloverConfig(SpilloverMethod.CONNECTION, 4, "backup", Duration.ZERO, 32,
                1000, WhenFull.DROP, null);
        SpilloverConfig two = new SpilloverConfig(SpilloverMethod.CONNECTION, 2, "backup", Duration.ZERO, 32,
                1000, WhenFull.DROP, null);
        RuntimeGraph old = RuntimeGraph.build(config(10, four));
        List<Held> held = admitAll(old, 4);

        RuntimeGraph next = RuntimeGraph.build(config(10, two), old);

        assertThat(next.service("p")).as("the service did not change").isSameAs(old.service("p"));
        Held spilled = admit(next);
        assertThat(spilled.vserver()).isSameAs(next.vserver("backup"));
        assertThat(next.vserver("primary").spillovers()).isEqualTo(1);
        held.forEach(Held::close);
        spilled.close();
    }

    @Test
    void persistedClientGoesToTheRebuiltVServerOfTheSameName() {
        SpilloverConfig sticky = persistent("backup", Duration.ofMinutes(5), 32);
        RuntimeGraph old = RuntimeGraph.build(config(1, sticky));
        Held first = admit(old, OTHER_CLIENT);
        Held spilled = admit(old);
        assertThat(spilled.vserver()).isSameAs(old.vserver("backup"));
        first.close(); // the primary has room again; the client stays on the backup

        // changes the primary's service: primary (and its chain) are rebuilt
        RuntimeGraph next = RuntimeGraph.build(config(2, sticky), old);
        assertThat(next.chain("primary")).isNotSameAs(old.chain("primary"));
        assertThat(next.chain("primary").persistence()).isSameAs(old.chain("primary").persistence());

        Held again = admit(next);
        assertThat(again.vserver()).isSameAs(next.vserver("backup"));
        assertThat(next.vserver("backup").persistentAdmissions()).isEqualTo(1);

        RuntimeGraph longer = RuntimeGraph.build(config(2, persistent("backup", Duration.ofMinutes(9), 32)), next);
        assertThat(longer.chain("primary").persistence()).as("new settings, new table")
                .isNotSameAs(next.chain("primary").persistence());
        spilled.close();
        again.close();
    }

    @Test
    void pinnedVServerRebuiltWithNewServicesIsTheNewObject() {
        SpilloverConfig sticky = persistent("backup", Duration.ofMinutes(5), 32);
        RuntimeGraph old = RuntimeGraph.build(config(1, sticky));
        Held first = admit(old, OTHER_CLIENT);
        Held spilled = admit(old);
        assertThat(spilled.vserver()).isSameAs(old.vserver("backup"));
        first.close();

        // the backup's service changes: the backup is a new object the pin must lead to
        ServiceConfig b4 = service("b", 4).config();
        SpillwayConfig changed = config(1, sticky);
        changed = new SpillwayConfig(null, List.of(), List.of(changed.services().get(0), b4), changed.vservers(), null);
        RuntimeGraph next = RuntimeGraph.build(changed, old);
        assertThat(next.vserver("backup")).isNotSameAs(old.vserver("backup"));

        Held again = admit(next);
        assertThat(again.vserver()).isSameAs(next.vserver("backup"));
        assertThat(next.vserver("backup").activeConnections()).isEqualTo(2);
        spilled.close();
        again.close();
        assertThat(next.vserver("backup").activeConnections()).isZero();
    }

    @Test
    void changedServiceKeepsAnAdministratorsDisable() {
        RuntimeGraph old = RuntimeGraph.build(config(5));
        old.service("p").disable();

        RuntimeGraph next = RuntimeGraph.build(config(3), old);

        assertThat(next.service("p").state()).isEqualTo(ServiceState.DISABLED);
        assertThat(next.vserver("primary").threshold()).isZero();
        next.service("p").enable();
        assertThat(next.vserver("primary").threshold()).isEqualTo(3);
    }

    @Test
    void changedServiceMonitoredAtTheSameAddressKeepsItsMonitorsVerdict() {
        RuntimeGraph old = RuntimeGraph.build(monitored(5, 1));
        old.service("p").setHealth(false, "monitor tcp DOWN: refused");

        RuntimeGraph sameAddress = RuntimeGraph.build(monitored(3, 1), old);
        RuntimeGraph moved = RuntimeGraph.build(monitored(3, 2), old);

        assertThat(sameAddress.service("p").state()).isEqualTo(ServiceState.DOWN);
        assertThat(sameAddress.service("p").lastReason()).contains("refused");
        assertThat(sameAddress.vserver("primary").threshold()).isZero();
        assertThat(moved.service("p").state()).as("another backend: starts UP like a new one")
                .isEqualTo(ServiceState.UP);
        assertThat(moved.vserver("primary").threshold()).isEqualTo(3);
    }

    private static SpillwayConfig monitored(int capacity, int port) {
        ServiceConfig p = new ServiceConfig("p", new HostPort("127.0.0.1", port), ServiceProtocol.TCP, capacity,
                null, 1, List.of("tcp"), null, null);
        return new SpillwayConfig(null, List.of(), List.of(p),
                List.of(vserver("primary", LbMethod.ROUNDROBIN, dynamic(null, WhenFull.DROP), "p")), null);
    }

    @Test
    void replacedVServersStopFollowingTheServicesTheyShareWithTheirSuccessors() {
        RuntimeGraph old = RuntimeGraph.build(config(5));
        SpillwayConfig base = config(5);
        VServerConfig leastConnection =
                vserver("primary", LbMethod.LEASTCONNECTION, dynamic("backup", WhenFull.DROP), "p");
        RuntimeGraph next = RuntimeGraph.build(new SpillwayConfig(null, List.of(), base.services(),
                List.of(leastConnection, base.vservers().get(1)), null), old);
        assertThat(next.service("p")).isSameAs(old.service("p"));
        assertThat(next.vserver("primary")).isNotSameAs(old.vserver("primary"));

        old.detachReplacedBy(next);
        next.service("p").disable();

        assertThat(next.vserver("primary").threshold()).isZero();
        assertThat(old.vserver("primary").threshold()).as("detached: no longer follows p").isEqualTo(5);
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
