package io.spillway.gslb.master;

import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.hierarchy.Hierarchy;
import io.spillway.testing.EtcdServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Master failover benchmark (bench/master-failover, issue 12): how long a site goes without an
 * active master, on a real etcd, in one JVM on loopback.
 *
 * <p>Each round builds a fresh hierarchy (two masters of one site on etcd, an aggregator that
 * lists both, two branches behind it) and then stops the active master in one of two ways,
 * alternated round by round: a clean stop (links closed, last write, lease revoked) and a crash
 * (links cut, the lease left to expire). Measured from the stop: <i>takeover</i>, until the
 * standby is active (it has loaded the table from etcd), and <i>relink</i>, until the
 * aggregator's link to the new master is up (the hierarchy is whole again). Both come from
 * polling every millisecond, so they are exact to about a millisecond. The crash figures are
 * bounded below by the lease TTL (8 election rounds, at least 2 s) less the last renewal's age.
 *
 * <p>Arguments: {@code intervalMs rounds resultsDir commit}. Bounded: every wait gives up after
 * 30 s and the whole run after 240 s.
 */
public final class FailoverBench {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    public static void main(String[] args) throws Exception {
        Duration interval = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 200);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path results = Path.of(args.length > 2 ? args[2] : "bench/results");
        String commit = args.length > 3 ? args[3] : "unknown";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        List<double[]> clean = new ArrayList<>();
        List<double[]> crash = new ArrayList<>();
        try (EtcdServer etcd = EtcdServer.start()) {
            for (int r = 0; r < rounds && System.nanoTime() < deadline; r++) {
                clean.add(round(etcd, interval, "bench-clean-" + r, false));
                crash.add(round(etcd, interval, "bench-crash-" + r, true));
            }
        }
        String load = Files.readString(Path.of("/proc/loadavg")).trim();
        StringBuilder table = new StringBuilder();
        table.append("| stop | rounds | takeover ms, median (min-max) | relink ms, median (min-max) |\n");
        table.append("| --- | --- | --- | --- |\n");
        table.append(row("clean", clean)).append(row("crash", crash));
        System.out.println("master failover, interval " + interval.toMillis() + " ms (lease TTL: 8 election rounds,"
                + " at least 2 s), load average " + load);
        System.out.print(table);
        Files.createDirectories(results);
        Path out = results.resolve("master-failover-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.writeString(out, String.format(Locale.ROOT,
                "{\"bench\":\"master-failover\",\"commit\":\"%s\",\"intervalMs\":%d,\"loadavg\":\"%s\","
                        + "\"clean\":%s,\"crash\":%s}%n",
                commit, interval.toMillis(), load, json(clean), json(crash)));
        System.out.println("written " + out);
    }

    /** One hierarchy, one stop; returns {takeover ms, relink ms}. */
    private static double[] round(EtcdServer etcd, Duration interval, String site, boolean crash) throws Exception {
        Duration stale = Duration.ofSeconds(60);
        try (Hierarchy h = new Hierarchy(interval, stale)) {
            GslbNode first = h.masterOnEtcd(site, List.of(etcd.url()));
            waitFor(() -> first.master().standing() == Master.Standing.ACTIVE, "first master active");
            GslbNode second = h.masterOnEtcd(site, List.of(etcd.url()));
            List<HostPort> masters = List.of(Hierarchy.addressOf(first), Hierarchy.addressOf(second));
            GslbNode agg = h.aggregator("agg", masters, new SiteTable(stale));
            h.branch("branch-1", Hierarchy.addressOf(agg));
            h.branch("branch-2", Hierarchy.addressOf(agg));
            waitFor(() -> first.table().sites().stream().map(SiteEntry::site).toList()
                    .containsAll(List.of("branch-1", "branch-2")), "the master knows both branches");

            long stopped = System.nanoTime();
            if (crash) {
                first.master().halt();
            }
            h.kill(first);
            waitFor(() -> second.master().standing() == Master.Standing.ACTIVE, "standby active");
            long takeover = System.nanoTime() - stopped;
            waitFor(() -> second.aggregator().connectedPeers().contains("agg"), "aggregator relinked");
            long relink = System.nanoTime() - stopped;
            return new double[] {takeover / 1e6, relink / 1e6};
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("gave up waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    private static String row(String kind, List<double[]> figures) {
        return String.format(Locale.ROOT, "| %s | %d | %s | %s |%n", kind, figures.size(),
                summary(figures, 0), summary(figures, 1));
    }

    private static String summary(List<double[]> figures, int column) {
        double[] v = figures.stream().mapToDouble(f -> f[column]).sorted().toArray();
        if (v.length == 0) {
            return "-";
        }
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, "%.0f (%.0f-%.0f)", median, v[0], v[v.length - 1]);
    }

    private static String json(List<double[]> figures) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < figures.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"takeoverMs\":%.1f,\"relinkMs\":%.1f}",
                    figures.get(i)[0], figures.get(i)[1]));
        }
        return sb.append(']').toString();
    }
}
