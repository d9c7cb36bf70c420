package io.spillway.gslb.branch;

import io.spillway.core.gslb.DomainLoad;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.ResourceUse;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * G1: a branch's report carries, for each published vServer, the figures of the last interval
 * (bandwidth each way, requests, errors, clients), the connections it holds by kind, its
 * sessions, a history of served-request times, and the process's resource use.
 */
class ReportBuilderTest {

    private static final long T0 = 1_700_000_000_000L;

    private static SpillwayConfig config(int capacity) {
        return config(capacity, Duration.ZERO);
    }

    private static SpillwayConfig config(int capacity, Duration persistence) {
        ServiceConfig web = new ServiceConfig("web-1", new HostPort("127.0.0.1", 8081), ServiceProtocol.HTTP, capacity,
                null, 1, List.of(), null, null);
        VServerConfig shop = new VServerConfig("shop", HostPort.parse("127.0.0.1:8080"), VServerProtocol.HTTP, null,
                LbMethod.ROUNDROBIN, List.of("web-1"), new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null,
                persistence, 32, 1000, WhenFull.DROP, null), List.of(), null, null);
        return new SpillwayConfig(null, List.of(), List.of(web), List.of(shop), null);
    }

    private final AtomicReference<RuntimeGraph> graph = new AtomicReference<>(RuntimeGraph.build(config(10)));
    private final ReportBuilder builder = new ReportBuilder("branch-a",
            List.of(new GslbConfig.Publish("app.example.com", "shop", HostPort.parse("192.0.2.1:80"))), graph::get);

    private DomainReport at(long millis) {
        return builder.build("agg-1", 1, millis, millis).domains().get(0);
    }

    private long bandwidthAt(long millis) {
        DomainReport d = builder.build("agg-1", 1, millis, millis).domains().get(0);
        return d.bandwidthBytesPerSecond();
    }

    @Test
    void bandwidthIsTheBytesBothWaysOverTheLastInterval() {
        assertThat(bandwidthAt(T0)).as("no interval yet").isZero();

        graph.get().vserver("shop").addBytes(1_000, 9_000);
        assertThat(bandwidthAt(T0 + 2_000)).isEqualTo(5_000);

        graph.get().vserver("shop").addBytes(0, 500);
        assertThat(bandwidthAt(T0 + 2_500)).isEqualTo(1_000);

        assertThat(bandwidthAt(T0 + 3_500)).as("nothing moved").isZero();
    }

    @Test
    void bandwidthGoesOnAcrossAReloadThatRebuildsTheVServer() {
        graph.get().vserver("shop").addBytes(0, 4_000);
        bandwidthAt(T0);
        graph.set(RuntimeGraph.build(config(20), graph.get()));
        graph.get().vserver("shop").addBytes(0, 3_000);

        assertThat(bandwidthAt(T0 + 1_000)).isEqualTo(3_000);
    }

    @Test
    void aVServerAddedAgainStartsANewIntervalInsteadOfANegativeRate() {
        graph.get().vserver("shop").addBytes(0, 50_000);
        bandwidthAt(T0);
        graph.set(RuntimeGraph.build(new SpillwayConfig(null, List.of(), List.of(), List.of(), null)));
        assertThat(builder.build("agg-1", 1, 2, T0 + 1_000).domains().get(0).up()).isFalse();
        graph.set(RuntimeGraph.build(config(10)));
        graph.get().vserver("shop").addBytes(0, 100);

        assertThat(bandwidthAt(T0 + 2_000)).isZero();
        graph.get().vserver("shop").addBytes(0, 2_000);
        assertThat(bandwidthAt(T0 + 3_000)).isEqualTo(2_000);
    }

    @Test
    void theIntervalsFiguresAreTheCountersMovesSinceThePreviousReport() {
        VirtualServer shop = graph.get().vserver("shop");
        assertThat(at(T0).load().intervalMillis()).as("the first report has no interval").isZero();

        for (int i = 0; i < 3; i++) {
            assertThat(shop.tryAcquire()).isTrue();
            shop.recordRequest(200);
        }
        shop.recordRequest(503);
        shop.addBytes(2_000, 6_000);
        DomainLoad load = at(T0 + 500).load();
        assertThat(load.intervalMillis()).isEqualTo(500);
        assertThat(load.requests()).isEqualTo(4);
        assertThat(load.errors()).as("the 503").isEqualTo(1);
        assertThat(load.clientsServed()).isEqualTo(3);
        assertThat(load.bandwidthInBytesPerSecond()).isEqualTo(4_000);
        assertThat(load.bandwidthOutBytesPerSecond()).isEqualTo(12_000);
        assertThat(load.clientConnections()).isEqualTo(3);

        DomainLoad quiet = at(T0 + 1_500).load();
        assertThat(quiet.intervalMillis()).isEqualTo(1_000);
        assertThat(quiet.requests()).isZero();
        assertThat(quiet.errors()).isZero();
        assertThat(quiet.clientsServed()).isZero();
        assertThat(quiet.bandwidthInBytesPerSecond()).isZero();
        assertThat(quiet.clientConnections()).as("still open").isEqualTo(3);
    }

    @Test
    void aSecondReportWithinTheMillisecondLeavesItsMovesToTheNext() {
        VirtualServer shop = graph.get().vserver("shop");
        at(T0);
        shop.recordRequest(200);
        DomainLoad same = at(T0).load();
        assertThat(same.intervalMillis()).isZero();
        assertThat(same.requests()).isZero();
        shop.recordRequest(200);
        DomainLoad next = at(T0 + 1).load();
        assertThat(next.intervalMillis()).isEqualTo(1);
        assertThat(next.requests()).as("both requests, none lost").isEqualTo(2);
    }

    @Test
    void connectionsAreReportedByKindAndDropsAreErrors() {
        VirtualServer shop = graph.get().vserver("shop");
        at(T0);
        shop.tryAcquire();
        shop.serverConnectionOpened();
        shop.serverConnectionOpened();
        shop.tunnelOpened();
        DomainLoad load = at(T0 + 100).load();
        assertThat(load.clientConnections()).isEqualTo(1);
        assertThat(load.serverConnections()).isEqualTo(2);
        assertThat(load.tunnels()).isEqualTo(1);

        shop.tunnelClosed();
        shop.serverConnectionClosed();
        for (int i = 1; i < 10; i++) {
            shop.tryAcquire();
        }
        assertThat(graph.get().chain("shop").admitDetailed(InetAddress.getLoopbackAddress()).admitted())
                .as("the chain is full and drops").isFalse();
        load = at(T0 + 200).load();
        assertThat(load.serverConnections()).isEqualTo(1);
        assertThat(load.tunnels()).isZero();
        assertThat(load.errors()).as("one drop").isEqualTo(1);
    }

    @Test
    void theHistoryHoldsTheMeanServedTimeOfEachOfTheLastSixteenIntervals() {
        Service web = graph.get().service("web-1");
        at(T0);
        web.recordServedTime(10_000_000);
        web.recordServedTime(30_000_000);
        assertThat(at(T0 + 100).load().responseTimeHistoryMs()).containsExactly(20.0);
        assertThat(at(T0 + 200).load().responseTimeHistoryMs()).as("nothing served").containsExactly(20.0, -1.0);
        for (int i = 1; i <= DomainLoad.HISTORY; i++) {
            web.recordServedTime(i * 1_000_000L);
            at(T0 + 200 + i * 100L);
        }
        double[] history = at(T0 + 5_000).load().responseTimeHistoryMs();
        assertThat(history).hasSize(DomainLoad.HISTORY);
        assertThat(history[0]).as("the oldest left").isEqualTo(2.0);
        assertThat(history[DomainLoad.HISTORY - 2]).isEqualTo(16.0);
        assertThat(history[DomainLoad.HISTORY - 1]).isEqualTo(-1.0);
    }

    @Test
    void probesMoveNeitherTheReportedResponseTimeNorItsHistory() {
        Service web = graph.get().service("web-1");
        at(T0);
        web.recordProbeTime(900_000_000);
        DomainReport probed = at(T0 + 100);
        assertThat(probed.recentResponseTimeMs()).isZero();
        assertThat(probed.load().responseTimeHistoryMs()).containsExactly(-1.0);

        web.recordServedTime(4_000_000);
        web.recordProbeTime(900_000_000);
        DomainReport served = at(T0 + 200);
        assertThat(served.recentResponseTimeMs()).isEqualTo(4.0);
        assertThat(served.load().responseTimeHistoryMs()).containsExactly(-1.0, 4.0);
    }

    @Test
    void sessionsAreThePersistenceEntriesOfTheChain() {
        graph.set(RuntimeGraph.build(config(10, Duration.ofMinutes(2))));
        assertThat(at(T0).load().sessions()).isZero();
        for (int i = 1; i <= 3; i++) {
            assertThat(graph.get().chain("shop").admitDetailed(client("10.0.0." + i)).admitted()).isTrue();
        }
        assertThat(at(T0 + 100).load().sessions()).isEqualTo(3);
    }

    @Test
    void everyReportCarriesTheProcesssResourceUse() {
        ResourceUse r = builder.build("agg-1", 1, 1, T0).resources();
        assertThat(r.heapUsedBytes()).isPositive();
        assertThat(r.cpuPercent()).isGreaterThanOrEqualTo(0);
        if (System.getProperty("os.name").toLowerCase().contains("linux")) {
            assertThat(r.openFileDescriptors()).isPositive();
        }
    }

    private static InetAddress client(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
