package io.spillway.gslb.hierarchy;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
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
import io.spillway.gslb.GslbNode;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Test fixture: builds GSLB nodes from model records, on one shared transport, on loopback with
 * ephemeral ports, and closes everything it started. It is also the JUnit 5 extension that closes
 * it, as spillway-testing's {@code LoopbackServer} does: registered in a static field it is
 * closed after the class's tests, in an instance field after each test; a test may also use one
 * in a try-with-resources block.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   final Hierarchy h = new Hierarchy(Duration.ofMillis(50), Duration.ofMinutes(5));
 * </pre>
 */
public final class Hierarchy implements AutoCloseable, BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    public static final String SECRET = "hierarchy-test-secret";
    public static final String DOMAIN = "app.example.com";
    /** Capacity of each branch's one service, hence its vServer's dynamic threshold. */
    public static final int CAPACITY = 10;

    private final Transport transport;
    private final boolean ownTransport;
    private final Duration interval;
    private final Duration staleAfter;
    private final List<GslbNode> nodes = new ArrayList<>();
    private boolean perClass;

    public Hierarchy(Duration interval, Duration staleAfter) {
        this(Transport.create(2), true, interval, staleAfter);
    }

    public Hierarchy(Transport transport, boolean ownTransport, Duration interval, Duration staleAfter) {
        this.transport = transport;
        this.ownTransport = ownTransport;
        this.interval = interval;
        this.staleAfter = staleAfter;
    }

    public Transport transport() {
        return transport;
    }

    public static HostPort addressOf(GslbNode node) {
        InetSocketAddress a = node.exchangeAddress();
        return new HostPort("127.0.0.1", a.getPort());
    }

    public GslbConfig.Exchange exchange(HostPort listen, HostPort aggregator, List<HostPort> peers, HostPort master,
                                        String secret, Path snapshot) {
        return new GslbConfig.Exchange(listen, aggregator, peers, master == null ? List.of() : List.of(master),
                interval, staleAfter, secret, null, snapshot == null ? null : snapshot.toString(), List.of());
    }

    public GslbNode master(String site, Path snapshot) throws Exception {
        GslbConfig c = new GslbConfig(site, GslbRole.MASTER,
                exchange(new HostPort("127.0.0.1", 0), null, List.of(), null, SECRET, snapshot),
                List.of(), domains(), null, null);
        return start(c, null, new SiteTable(staleAfter));
    }

    /** A master of {@code site} that keeps its state in etcd and campaigns to be the active one (issue 12). */
    public GslbNode masterOnEtcd(String site, List<URI> etcd) throws Exception {
        GslbConfig c = new GslbConfig(site, GslbRole.MASTER,
                new GslbConfig.Exchange(new HostPort("127.0.0.1", 0), null, List.of(), List.of(), interval,
                        staleAfter, SECRET, null, null, etcd),
                List.of(), domains(), null, null);
        return start(c, null, new SiteTable(staleAfter));
    }

    public GslbNode aggregator(String site, HostPort master, List<HostPort> peers) throws Exception {
        return aggregator(site, master, peers, new SiteTable(staleAfter));
    }

    public GslbNode aggregator(String site, HostPort master, List<HostPort> peers, SiteTable table) throws Exception {
        return aggregatorAt(new HostPort("127.0.0.1", 0), site, master == null ? List.of() : List.of(master), peers,
                table);
    }

    /** An aggregator that follows whichever of {@code masters} is active (issue 12). */
    public GslbNode aggregator(String site, List<HostPort> masters, SiteTable table) throws Exception {
        return aggregatorAt(new HostPort("127.0.0.1", 0), site, masters, List.of(), table);
    }

    /** An aggregator listening on a given address (a restart on the port its branches know). */
    public GslbNode aggregatorAt(HostPort listen, String site, HostPort master, List<HostPort> peers, SiteTable table)
            throws Exception {
        return aggregatorAt(listen, site, master == null ? List.of() : List.of(master), peers, table);
    }

    private GslbNode aggregatorAt(HostPort listen, String site, List<HostPort> masters, List<HostPort> peers,
                                  SiteTable table) throws Exception {
        GslbConfig c = new GslbConfig(site, GslbRole.AGGREGATOR,
                new GslbConfig.Exchange(listen, null, peers, masters, interval, staleAfter, SECRET, null, null,
                        List.of()),
                List.of(), domains(), null, null);
        return start(c, null, table);
    }

    /** A branch publishing {@link #DOMAIN} from its vServer {@code shop} with one service of {@link #CAPACITY}. */
    public BranchUnderTest branch(String site, HostPort aggregator) throws Exception {
        return branch(site, aggregator, SECRET, interval);
    }

    public BranchUnderTest branch(String site, HostPort aggregator, String secret, Duration reportInterval)
            throws Exception {
        return branch(site, aggregator, secret, reportInterval, List.of());
    }

    /** A branch whose vServer {@code shop} shares connections with {@code peers} (D2). */
    public BranchUnderTest branch(String site, HostPort aggregator, List<String> peers) throws Exception {
        return branch(site, aggregator, SECRET, interval, peers);
    }

    private BranchUnderTest branch(String site, HostPort aggregator, String secret, Duration reportInterval,
                                   List<String> peers) throws Exception {
        RuntimeGraph graph = RuntimeGraph.build(appliance(site, peers));
        HostPort published = new HostPort("127.0.0.1", 8000 + Math.abs(site.hashCode() % 1000));
        GslbConfig c = new GslbConfig(site, GslbRole.BRANCH,
                new GslbConfig.Exchange(null, aggregator, List.of(), null, reportInterval, staleAfter, secret, null, null,
                        null),
                List.of(new GslbConfig.Publish(DOMAIN, "shop", published)), List.of(), null, null);
        GslbNode node = new GslbNode(transport, c, () -> graph, new SiteTable(staleAfter), null);
        node.start();
        nodes.add(node);
        return new BranchUnderTest(node, graph, published);
    }

    private GslbNode start(GslbConfig c, Resolver resolver, SiteTable table) throws Exception {
        GslbNode node = new GslbNode(transport, c, () -> null, table, resolver == null ? new FirstAvailable(table) : resolver);
        node.start();
        nodes.add(node);
        return node;
    }

    private static List<GslbConfig.Domain> domains() {
        return List.of(new GslbConfig.Domain(DOMAIN, io.spillway.core.model.GslbMethod.LEASTLOAD,
                Duration.ofSeconds(5), Duration.ZERO, List.of()));
    }

    /** An appliance with one service of {@link #CAPACITY} behind the vServer {@code shop}. */
    public static SpillwayConfig appliance(String site) {
        return appliance(site, List.of());
    }

    private static SpillwayConfig appliance(String site, List<String> peers) {
        ServiceConfig service = new ServiceConfig(site + "-web", new HostPort("127.0.0.1", 9), ServiceProtocol.HTTP,
                CAPACITY, null, 2, List.of(), null, null);
        SpilloverConfig spill = new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null, Duration.ZERO, 32,
                1000, WhenFull.ACCEPT, null);
        VServerConfig shop = new VServerConfig("shop", null, VServerProtocol.HTTP, null, LbMethod.ROUNDROBIN,
                List.of(service.name()), spill, peers, null, null);
        return new SpillwayConfig(null, List.of(), List.of(service), List.of(shop), null);
    }

    /**
     * A fresh directory for snapshot files, on tmpfs where the machine has one: the snapshot is
     * forced to disk on every write, which on a disk shared with busy builds can take seconds.
     */
    public static Path scratchDir() throws java.io.IOException {
        Path shm = Path.of("/dev/shm");
        if (java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm)) {
            return java.nio.file.Files.createTempDirectory(shm, "spillway-gslb-test");
        }
        return java.nio.file.Files.createTempDirectory("spillway-gslb-test");
    }

    public static void deleteTree(Path dir) throws java.io.IOException {
        if (dir == null || !java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var s = java.nio.file.Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    /** Stops one node (as if its process died) and forgets it. */
    public void kill(GslbNode node) {
        nodes.remove(node);
        node.close();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        nodes.clear();
        if (ownTransport) {
            transport.close();
        }
    }

    public record BranchUnderTest(GslbNode node, RuntimeGraph graph, HostPort published) {
        public String site() {
            return node.config().site();
        }
    }

    /** A minimal real resolver over the table: the first available candidate by site name. */
    static final class FirstAvailable implements Resolver {
        private final SiteTable table;

        FirstAvailable(SiteTable table) {
            this.table = table;
        }

        @Override
        public Optional<Resolution> resolve(String domain, InetAddress client) {
            return table.candidates(domain).stream().findFirst()
                    .map(c -> new Resolution(domain, c.site(), c.domain().address(), Duration.ofSeconds(5)));
        }

        @Override
        public boolean serves(String domain) {
            return DOMAIN.equalsIgnoreCase(domain);
        }
    }
}
