package io.spillway.gslb.branch;

import io.spillway.core.gslb.DomainReport;
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
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** G1: a branch's report carries the bandwidth of each published vServer over the last interval. */
class ReportBuilderTest {

    private static final long T0 = 1_700_000_000_000L;

    private static SpillwayConfig config(int capacity) {
        ServiceConfig web = new ServiceConfig("web-1", new HostPort("127.0.0.1", 8081), ServiceProtocol.HTTP, capacity,
                null, 1, List.of(), null, null);
        VServerConfig shop = new VServerConfig("shop", HostPort.parse("127.0.0.1:8080"), VServerProtocol.HTTP, null,
                LbMethod.ROUNDROBIN, List.of("web-1"), new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null,
                Duration.ZERO, 32, 1000, WhenFull.DROP, null), List.of(), null, null);
        return new SpillwayConfig(null, List.of(), List.of(web), List.of(shop), null);
    }

    private final AtomicReference<RuntimeGraph> graph = new AtomicReference<>(RuntimeGraph.build(config(10)));
    private final ReportBuilder builder = new ReportBuilder("branch-a",
            List.of(new GslbConfig.Publish("app.example.com", "shop", HostPort.parse("192.0.2.1:80"))), graph::get);

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
}
