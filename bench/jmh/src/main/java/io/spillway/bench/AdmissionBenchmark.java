package io.spillway.bench;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.VirtualServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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
 * The admission decision of a new connection: walk the spillover chain, reserve a vServer slot,
 * pick and reserve a service, then give both back (as the connection's close would).
 * Scenarios: the primary has room; the primary is full and the connection spills to the
 * backup; persistence on, for one pinned IPv4 client ({@code persistent}), for 65,536 pinned
 * IPv4 clients taken in turn so that the persistence table is read outside the CPU caches
 * ({@code persistentMany}), and for one pinned IPv6 client ({@code persistentIpv6}); and the
 * primary's services shared by a cluster ({@code leasedShare}, issue 12): each admits against the
 * share its node leased (half its capacity), which is also the vServer's threshold source, so the
 * service's slot is taken by a compare-and-set followed by a second read of the share. Run with
 * {@code -prof gc} to see allocations per decision; {@code bench/jmh/admission-ab.sh} compares
 * two builds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AdmissionBenchmark {

    @Param({"room", "spill", "persistent", "persistentMany", "persistentIpv6", "leasedShare"})
    public String scenario;

    private SpilloverChain chain;
    private InetAddress[] clients;
    private int next;

    @Setup
    public void setup() throws Exception {
        Duration persistence = scenario.startsWith("persistent") ? Duration.ofMinutes(2) : Duration.ZERO;
        VirtualServer backup = vserver("backup", null, Duration.ZERO, 4, 1000);
        VirtualServer primary = vserver("primary", backup, persistence, 4, 100);
        if (scenario.equals("leasedShare")) {
            for (Service s : primary.services()) {
                s.setShare(50); // as the cluster's ShareBalancer sets it once etcd holds the share
            }
            if (primary.threshold() != 200) {
                throw new IllegalStateException("the threshold is not the sum of the shares: " + primary.threshold());
            }
        }
        chain = SpilloverChain.of(primary);
        clients = switch (scenario) {
            case "persistentMany" -> manyClients(1 << 16);
            case "persistentIpv6" -> new InetAddress[] {InetAddress.getByName("2001:db8::1")};
            default -> new InetAddress[] {InetAddress.getByName("10.0.0.1")};
        };
        for (InetAddress c : clients) { // pin every client (persistence on) before measuring
            chain.admit(c).release();
        }
        if (scenario.equals("spill")) {
            while (primary.tryAcquire()) {
                // fill the primary so that every decision walks to the backup
            }
        }
    }

    private static InetAddress[] manyClients(int n) throws Exception {
        InetAddress[] out = new InetAddress[n];
        for (int i = 0; i < n; i++) {
            out[i] = InetAddress.getByAddress(new byte[] {10, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i});
        }
        return out;
    }

    private static VirtualServer vserver(String name, VirtualServer backup, Duration persistence,
                                         int services, int capacity) {
        List<Service> bound = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < services; i++) {
            String n = name + "-" + i;
            names.add(n);
            bound.add(new Service(new ServiceConfig(n, new HostPort("127.0.0.1", 8000 + i), ServiceProtocol.TCP,
                    capacity, null, 1, List.of(), null, null)));
        }
        SpilloverConfig spill = new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0,
                backup == null ? null : backup.name(), persistence, 32, 100_000, WhenFull.DROP, null);
        VServerConfig config = new VServerConfig(name, null, VServerProtocol.TCP, null, LbMethod.LEASTCONNECTION,
                names, spill, List.of(), null, null);
        return new VirtualServer(config, bound, backup);
    }

    @Benchmark
    public Object admitAndRelease() {
        InetAddress client = clients[next];
        next = next + 1 == clients.length ? 0 : next + 1;
        VirtualServer vs = chain.admit(client);
        Service s = vs.loadBalancer().select(client.hashCode());
        s.release();
        vs.release();
        return s;
    }
}
