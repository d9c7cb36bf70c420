package io.spillway.app.demo;

import io.spillway.app.Appliance;
import io.spillway.core.model.HostPort;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.transport.Transport;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The running demo: backends, the main appliance (also the master of the GSLB hierarchy, so
 * its admin port and dashboard show the whole hierarchy), five more GSLB appliances in this
 * process, a client load, and a health flap: every 20 s web-2 fails its health check for 8 s,
 * its monitor marks it DOWN and shop's dynamic threshold shrinks by its capacity.
 */
public final class Demo implements AutoCloseable {

    private final PrintStream out;
    private final Transport transport = Transport.create(0);
    private final DemoBackends backends = new DemoBackends();
    private final List<Appliance> appliances = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Appliance main;
    private Appliance resolvingAggregator;
    private DemoLoad load;
    private DemoBackends.Backend flapping;
    private Path snapshotDir;
    private String token;

    private Demo(PrintStream out) {
        this.out = out;
    }

    public static Demo start(boolean withLoad, PrintStream out) throws Exception {
        // idle keep-alive connections of the demo's own client would hold vServer slots for minutes
        System.setProperty("jdk.httpclient.keepalive.timeout", "1");
        Demo demo = new Demo(out);
        try {
            demo.startAll(withLoad);
        } catch (Exception e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    private void startAll(boolean withLoad) throws Exception {
        DemoBackends.Backend web1 = backends.start("web-1");
        flapping = backends.start("web-2");
        DemoBackends.Backend web3 = backends.start("web-3");
        token = "demo-token";
        snapshotDir = Files.createTempDirectory("spillway-demo");
        HostPort masterExchange = new HostPort("127.0.0.1", DemoTopology.freePort("127.0.0.1"));
        main = Appliance.start(DemoTopology.main(DemoTopology.freePort("127.0.0.1"),
                        DemoTopology.freePort("127.0.0.1"), new int[] {web1.port(), flapping.port(), web3.port()}, token,
                        DemoTopology.master(masterExchange, snapshotDir.resolve("master.snapshot.json").toString())),
                null, transport, false);
        appliances.add(main);
        startHierarchy(masterExchange, web1.port(), flapping.port(), web3.port());
        transport.group().next().scheduleAtFixedRate(this::flap, 20, 20, TimeUnit.SECONDS);
        if (withLoad) {
            load = new DemoLoad(URI.create("http://" + Appliance.hostPort(main.vserverAddress("shop")) + "/?delay=1500"),
                    14, Duration.ofSeconds(30));
            load.start();
        }
    }

    /** The hierarchy below the main appliance, its master. */
    private void startHierarchy(HostPort masterEx, int... backendPorts) throws Exception {
        String lo = "127.0.0.1";
        HostPort aggA = new HostPort(lo, DemoTopology.freePort(lo));
        HostPort aggB = new HostPort(lo, DemoTopology.freePort(lo));
        HostPort dns = new HostPort(lo, DemoTopology.freePort(lo));
        HostPort resolve = new HostPort(lo, DemoTopology.freePort(lo));
        resolvingAggregator = add(DemoTopology.aggregator("aggregator-a", aggA, List.of(aggB), masterEx, dns, resolve));
        add(DemoTopology.aggregator("aggregator-b", aggB, List.of(aggA), masterEx, null, null));
        int branchPort = DemoTopology.freePort("127.0.0.11");
        // branch-2 has the most capacity and wins leastload until its backend (web-2) flaps DOWN
        add(DemoTopology.branch("branch-1", new HostPort("127.0.0.11", branchPort), backendPorts[0], 3, aggA));
        add(DemoTopology.branch("branch-2", new HostPort("127.0.0.12", branchPort), backendPorts[1], 6, aggB));
        add(DemoTopology.branch("branch-3", new HostPort("127.0.0.13", branchPort), backendPorts[2], 4, aggB));
    }

    private Appliance add(io.spillway.core.model.SpillwayConfig config) throws Exception {
        Appliance a = Appliance.start(config, null, transport, false);
        appliances.add(a);
        return a;
    }

    private void flap() {
        flapping.setHealthy(false);
        transport.group().next().schedule(() -> flapping.setHealthy(true), 8, TimeUnit.SECONDS);
    }

    /** The main appliance's admin listener: the API, dashboard and GSLB hierarchy of the demo. */
    public InetSocketAddress adminAddress() {
        return main.adminAddress();
    }

    /** The admin token of the main appliance. */
    public String token() {
        return token;
    }

    public void printWelcome() {
        String shop = Appliance.hostPort(main.vserverAddress("shop"));
        String admin = Appliance.hostPort(main.adminAddress());
        InetSocketAddress dns = resolvingAggregator.gslb().dnsAddress();
        InetSocketAddress resolve = resolvingAggregator.gslb().resolveAddress();
        out.println("Spillway demo is running. Press Ctrl-C to stop.");
        out.println();
        out.println("  vServer chain   shop (threshold = capacities of UP services: web-1 4 + web-2 4)");
        out.println("                  -> shop-overflow (web-3 4) -> redirect to https://overflow.example.com/");
        out.println("  Proxy           curl -i http://" + shop + "/");
        out.println("  Dashboard       http://" + admin + "/?token=" + token);
        out.println("  Admin API       curl -H 'Authorization: Bearer " + token + "' http://" + admin + "/api/v1/vservers");
        out.println("  Metrics         curl http://" + admin + "/metrics -H 'Authorization: Bearer " + token + "'");
        out.println("  Status table    bin/spillway status --admin http://" + admin + " --token " + token);
        out.println("  Disable web-1   curl -X POST -H 'Authorization: Bearer " + token + "' http://" + admin
                + "/api/v1/services/web-1/disable");
        out.println();
        out.println("  GSLB hierarchy  master (this appliance) <- aggregator-a <-> aggregator-b; branch-1 reports to");
        out.println("                  aggregator-a, branch-2 (fronts web-2, which flaps) and branch-3 to aggregator-b");
        out.println("  GSLB sites      curl -H 'Authorization: Bearer " + token + "' http://" + admin + "/api/v1/gslb/sites");
        if (dns != null) {
            out.println("  DNS             dig @" + dns.getAddress().getHostAddress() + " -p " + dns.getPort() + " "
                    + DemoTopology.DOMAIN + " A +short");
        }
        if (resolve != null) {
            out.println("  HTTP resolve    curl 'http://" + Appliance.hostPort(resolve) + "/resolve?domain=" + DemoTopology.DOMAIN + "'");
        }
        out.println();
        out.println("Every 20 s web-2 fails its health check for 8 s: watch shop's threshold drop from 8 to 4,");
        out.println("and the GSLB answer move from branch-2 (most available capacity) to branch-3.");
        out.println();
    }

    /** Prints a line of live state every second until {@code duration} passes or the process is stopped. */
    public void runUntil(Duration duration) throws InterruptedException {
        Thread hook = new Thread(stopped::countDown, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end && !stopped.await(1, TimeUnit.SECONDS)) {
            out.println(stateLine());
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    String stateLine() {
        StringBuilder sb = new StringBuilder();
        for (VirtualServer vs : main.graph().vservers()) {
            sb.append(vs.name()).append(' ').append(vs.activeConnections()).append('/').append(vs.threshold())
                    .append(" (spilled ").append(vs.spillovers()).append(", redirects ").append(vs.redirects())
                    .append(") | ");
        }
        for (Service s : main.graph().services()) {
            sb.append(s.name()).append(' ').append(s.state()).append(' ');
        }
        var resolution = resolvingAggregator.gslb().resolver().resolve(DemoTopology.DOMAIN, null);
        sb.append("| gslb -> ").append(resolution.map(r -> r.site() + " " + r.address()).orElse("none"));
        if (load != null) {
            sb.append(" | ").append(load.describe());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        stopped.countDown();
        if (load != null) {
            load.close();
        }
        for (int i = appliances.size() - 1; i >= 0; i--) {
            appliances.get(i).close();
        }
        backends.close();
        transport.close();
        if (snapshotDir != null) {
            try (var files = Files.walk(snapshotDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // a temp directory left behind is harmless
            }
        }
    }
}
