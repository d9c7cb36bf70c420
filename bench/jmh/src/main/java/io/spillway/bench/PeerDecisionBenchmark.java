package io.spillway.bench;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.PeerSharing;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.VirtualServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The D2 decision of a new connection to a vServer with peers: is the client a peer's host,
 * whose turn is it (this appliance, 2 UP services, against peer branch-b reporting 1), and, for
 * the peer's turns, the vServer standing for it. Branch-b publishes four domains; the site
 * table does not change while measuring, as between two reports. Run with {@code -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PeerDecisionBenchmark {

    static final String DOMAIN = "app.example.com";

    private PeerSharing peers;
    private InetAddress client;

    @Setup
    public void setup() throws Exception {
        SiteTable table = new SiteTable(Duration.ofDays(1));
        List<DomainReport> published = new ArrayList<>();
        for (String d : List.of("a.example.com", "b.example.com", DOMAIN, "c.example.com")) {
            published.add(new DomainReport(d, "shop", new HostPort("10.0.0.2", 80), true, 100, 100, 0, 0, 0, 0, 0, 0,
                    0, 1, 1));
        }
        table.apply(new SiteReport("branch-b", "agg", 1, 1, System.currentTimeMillis(), published));
        List<ServiceConfig> services = List.of(
                new ServiceConfig("web-1", new HostPort("127.0.0.1", 9001), ServiceProtocol.HTTP, 100, null, 1,
                        List.of(), null, null),
                new ServiceConfig("web-2", new HostPort("127.0.0.1", 9002), ServiceProtocol.HTTP, 100, null, 1,
                        List.of(), null, null));
        VServerConfig shop = new VServerConfig("shop", new HostPort("127.0.0.1", 0), VServerProtocol.HTTP, null,
                LbMethod.ROUNDROBIN, List.of("web-1", "web-2"), SpilloverConfig.NONE, List.of("branch-b"), null, null);
        GslbConfig gslb = new GslbConfig("branch-a", GslbRole.BRANCH, null,
                List.of(new GslbConfig.Publish(DOMAIN, "shop", new HostPort("127.0.0.1", 1))), List.of(), null, null);
        RuntimeGraph graph = RuntimeGraph.build(new SpillwayConfig(null, List.of(), services, List.of(shop), gslb),
                table);
        peers = graph.vserver("shop").peers();
        client = InetAddress.getByName("192.0.2.7");
    }

    @Benchmark
    public VirtualServer decide() {
        return peers.route(client);
    }
}
