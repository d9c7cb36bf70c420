package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spillway.testing.EtcdServer;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cluster benchmark (bench/cluster, issue 12): three {@code spillway run} appliances, started by
 * the launcher, in one cluster over a real etcd, in front of ONE {@link HoldingBackend} that
 * counts the connections it holds. {@link RacingClients} on each appliance's TCP vServer ask for
 * more than the service's capacity, spread 70/20/10 over the nodes; every round shifts the spread
 * to its mirror (10/20/70, then back).
 *
 * <p>Measured: the most connections the backend ever held at once, against the capacity (counted
 * by the backend itself, exactly: it must never exceed it); per phase, the utilisation, admitted
 * over capacity, where admitted is the sum of the nodes' active counts on the service (read from
 * each admin API every 50 ms; demand exceeds capacity throughout), over the whole phase and over
 * its last third (settled), beside what the backend holds (sampled every 10 ms: lower by the
 * connections being set up or torn down) and the admitted over the sum of the shares; and the
 * time for the shares to follow the shift: from the shift until every node's share is within
 * {@code max(1, 5% of the capacity)} of where it settles (its median over the last third of the
 * phase), in intervals.
 *
 * <p>Arguments: {@code launcher resultsDir commit [intervalMs=200] [rounds=5] [capacity=40]
 * [demand=1.5 (clients per unit of capacity)] [phaseSeconds=8]}. Bounded: each client runs at
 * most its phase plus 5 s, the whole run gives up after 300 s, every process is stopped by its
 * handle (pid) at the end.
 */
public final class ClusterBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "cluster-bench-token";
    private static final long HOLD_MS = 500;
    private static final int[][] SPREADS = {{70, 20, 10}, {10, 20, 70}};
    private static final String[] NODES = {"node-a", "node-b", "node-c"};

    /** One appliance as the bench sees it: its vServer and admin addresses. */
    private record Node(String name, InetSocketAddress front, InetSocketAddress admin) {
    }

    /**
     * What the sampler saw: the backend's open count every 10 ms; every 50 ms each node's share
     * and active count (admitted connections it holds) from its admin API.
     */
    private static final class Samples {
        final List<long[]> open = new ArrayList<>(); // {nanos, open}
        final List<long[]> shares = new ArrayList<>(); // {nanos, share a, b, c, active a, b, c}
    }

    public static void main(String[] args) throws Exception {
        String launcher = args[0];
        Path results = Path.of(args[1]);
        String commit = args[2];
        long intervalMs = args.length > 3 ? Long.parseLong(args[3]) : 200;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        int capacity = args.length > 5 ? Integer.parseInt(args[5]) : 40;
        double demand = args.length > 6 ? Double.parseDouble(args[6]) : 1.5;
        int phaseSeconds = args.length > 7 ? Integer.parseInt(args[7]) : 8;
        int clients = (int) Math.round(capacity * demand);
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        String loadBefore = loadAverage();
        Path work = Files.createTempDirectory("spillway-cluster-bench");

        AdminCalls admin = new AdminCalls(TOKEN);
        Samples samples = new Samples();
        List<long[]> phases = new ArrayList<>(); // {start nanos, end nanos, spread index}
        List<long[]> refusedByPhase = new ArrayList<>();
        int peak;
        try (EtcdServer etcd = EtcdServer.start();
             HoldingBackend backend = new HoldingBackend(HOLD_MS);
             ApplianceProcesses processes = new ApplianceProcesses(List.of(launcher))) {
            List<Node> nodes = new ArrayList<>();
            ClusterNodeFile.Cluster cluster = new ClusterNodeFile.Cluster("bench", etcd.url(), intervalMs,
                    backend.port(), capacity, TOKEN);
            for (String name : NODES) {
                nodes.add(start(processes, work, name, cluster));
            }
            for (Node n : nodes) {
                ApplianceProcesses.waitForPort(n.front().getPort());
                ApplianceProcesses.waitForPort(n.admin().getPort());
            }
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> sample(backend, nodes, admin, samples, sampling, giveUp), "sampler");
            sampler.start();
            try {
                waitUntil(() -> lastShares(samples) != null && Arrays.stream(lastShares(samples), 1, 4)
                        .allMatch(s -> s > 0), giveUp, "every node holds a share");
                List<RacingClients> running = List.of();
                for (int p = 0; p <= rounds && System.nanoTime() < giveUp; p++) {
                    int[] spread = SPREADS[p % 2];
                    List<RacingClients> next = new ArrayList<>();
                    long start = System.nanoTime();
                    for (int i = 0; i < nodes.size(); i++) {
                        next.add(RacingClients.start(nodes.get(i).front(), clients * spread[i] / 100,
                                phaseSeconds * 1000L + 5_000, nodes.get(i).name()));
                    }
                    for (RacingClients r : running) {
                        r.close();
                    }
                    running = next;
                    Thread.sleep(phaseSeconds * 1000L);
                    phases.add(new long[] {start, System.nanoTime(), p % 2});
                    refusedByPhase.add(running.stream().mapToLong(RacingClients::refused).toArray());
                }
                for (RacingClients r : running) {
                    r.close();
                }
            } finally {
                sampling.set(false);
                sampler.join(10_000);
            }
            peak = backend.peak();
        }

        ObjectNode out = JSON.createObjectNode();
        out.put("bench", "cluster").put("commit", commit).put("date", Instant.now().toString())
                .put("intervalMs", intervalMs).put("capacity", capacity).put("clients", clients)
                .put("holdMs", HOLD_MS).put("loadAverageBefore", loadBefore).put("loadAverageAfter", loadAverage())
                .put("peak", peak).put("peakWithinCapacity", peak <= capacity);
        ArrayNode phaseNodes = out.putArray("phases");
        List<double[]> figures = new ArrayList<>(); // what analyse returns, for the shifts
        for (int p = 0; p < phases.size(); p++) {
            long[] ph = phases.get(p);
            ObjectNode j = phaseNodes.addObject();
            int[] spread = SPREADS[(int) ph[2]];
            j.put("phase", p).put("spread", spread[0] + "/" + spread[1] + "/" + spread[2])
                    .put("shift", p > 0);
            double[] f = analyse(samples, ph[0], ph[1], capacity, intervalMs, j);
            ArrayNode refused = j.putArray("refusedByNode");
            for (long r : refusedByPhase.get(p)) {
                refused.add(r);
            }
            if (p > 0) {
                figures.add(f);
            }
        }
        ObjectNode summary = out.putObject("summary");
        summary.put("rounds", figures.size());
        String[] names = {"followIntervals", "utilisation", "settledUtilisation", "settledAtBackend",
            "settledShareUse"};
        for (int i = 0; i < names.length; i++) {
            summary.set(names[i], stats(figures, i));
        }

        Files.createDirectories(results);
        Path file = results.resolve("cluster-" + Instant.now().toString().replace(':', '-') + ".json");
        Files.writeString(file, JSON.writeValueAsString(out) + "\n");
        System.out.printf(Locale.ROOT, "cluster: 3 nodes, capacity %d, %d clients (70/20/10 <-> 10/20/70), hold %d ms,"
                        + " interval %d ms, load average %s -> %s%n", capacity, clients, HOLD_MS, intervalMs,
                loadBefore, loadAverage());
        System.out.println("| figure | median (min-max) over " + figures.size() + " shifts |");
        System.out.println("| --- | --- |");
        System.out.printf(Locale.ROOT, "| peak at the backend / capacity (whole run, exact) | %d / %d %s |%n",
                peak, capacity, peak <= capacity ? "(never exceeded)" : "(EXCEEDED)");
        System.out.println("| shares followed the shift, intervals | " + row(summary.get("followIntervals"), "%.1f") + " |");
        System.out.println("| utilisation: admitted / capacity, whole phase | "
                + row(summary.get("utilisation"), "%.3f") + " |");
        System.out.println("| utilisation: admitted / capacity, settled (last third) | "
                + row(summary.get("settledUtilisation"), "%.3f") + " |");
        System.out.println("| held at the backend / capacity, settled | "
                + row(summary.get("settledAtBackend"), "%.3f") + " |");
        System.out.println("| admitted / sum of the shares, settled | "
                + row(summary.get("settledShareUse"), "%.3f") + " |");
        System.out.println("written " + file + "; configs and appliance logs in " + work);
        if (peak > capacity) {
            System.exit(2);
        }
    }

    private static Node start(ApplianceProcesses processes, Path work, String name, ClusterNodeFile.Cluster cluster)
            throws Exception {
        int front = ApplianceProcesses.freePort();
        int adminPort = ApplianceProcesses.freePort();
        processes.run(ClusterNodeFile.write(work, cluster, name, adminPort, front), work);
        return new Node(name, new InetSocketAddress("127.0.0.1", front), new InetSocketAddress("127.0.0.1", adminPort));
    }

    private static void sample(HoldingBackend backend, List<Node> nodes, AdminCalls admin, Samples samples,
                               AtomicBoolean sampling, long giveUp) {
        long nextShares = 0;
        while (sampling.get() && System.nanoTime() < giveUp) {
            long now = System.nanoTime();
            synchronized (samples) {
                samples.open.add(new long[] {now, backend.open()});
            }
            if (now >= nextShares) {
                nextShares = now + TimeUnit.MILLISECONDS.toNanos(50);
                long[] row = new long[1 + 2 * nodes.size()];
                row[0] = now;
                try {
                    for (int i = 0; i < nodes.size(); i++) {
                        JsonNode api = api(admin.json(nodes.get(i).admin(), "/api/v1/cluster"));
                        row[i + 1] = api.path("share").asLong(-1);
                        row[i + 1 + nodes.size()] = api.path("active").asLong(-1);
                    }
                    synchronized (samples) {
                        samples.shares.add(row);
                    }
                } catch (Exception e) {
                    // a slow admin answer: this sample is skipped
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static JsonNode api(JsonNode cluster) {
        for (JsonNode s : cluster.path("shares")) {
            if (s.path("service").asText().equals("api")) {
                return s;
            }
        }
        return JSON.missingNode();
    }

    private static long[] lastShares(Samples samples) {
        synchronized (samples) {
            return samples.shares.isEmpty() ? null : samples.shares.get(samples.shares.size() - 1);
        }
    }

    /**
     * One phase's figures: {follow intervals, admitted / capacity over the phase, admitted /
     * capacity settled, backend's open / capacity settled, admitted / sum of shares settled};
     * "settled" is the last third of the phase.
     */
    private static double[] analyse(Samples samples, long start, long end, int capacity, long intervalMs, ObjectNode j) {
        List<long[]> shares;
        List<long[]> open;
        synchronized (samples) {
            shares = samples.shares.stream().filter(s -> s[0] >= start && s[0] < end).toList();
            open = samples.open.stream().filter(s -> s[0] >= start && s[0] < end).toList();
        }
        long settleFrom = end - (end - start) / 3;
        long[] settled = new long[3];
        ArrayNode settledJson = j.putArray("settledShares");
        for (int n = 0; n < 3; n++) {
            int column = n + 1;
            settled[n] = median(shares.stream().filter(s -> s[0] >= settleFrom).mapToLong(s -> s[column]).toArray());
            settledJson.add(settled[n]);
        }
        long tolerance = Math.max(1, capacity / 20);
        long followedAt = end;
        for (long[] s : shares) {
            boolean within = true;
            for (int n = 0; n < 3; n++) {
                within &= Math.abs(s[n + 1] - settled[n]) <= tolerance;
            }
            if (within) {
                followedAt = s[0];
                break;
            }
        }
        double followIntervals = (followedAt - start) / 1e6 / intervalMs;
        double admitted = shares.stream().mapToLong(s -> s[4] + s[5] + s[6]).average().orElse(0) / capacity;
        double admittedSettled = shares.stream().filter(s -> s[0] >= settleFrom).mapToLong(s -> s[4] + s[5] + s[6])
                .average().orElse(0) / capacity;
        double atBackend = open.stream().filter(s -> s[0] >= settleFrom).mapToLong(s -> s[1]).average().orElse(0)
                / capacity;
        double shareSum = shares.stream().filter(s -> s[0] >= settleFrom).mapToLong(s -> s[1] + s[2] + s[3])
                .average().orElse(0);
        double shareUse = shareSum == 0 ? 0 : admittedSettled * capacity / shareSum;
        j.put("followIntervals", round(followIntervals)).put("utilisation", round(admitted))
                .put("settledUtilisation", round(admittedSettled)).put("settledAtBackend", round(atBackend))
                .put("settledSharesSum", round(shareSum)).put("settledShareUse", round(shareUse))
                .put("sampledPeakAtBackend", open.stream().mapToLong(s -> s[1]).max().orElse(0));
        ArrayNode timeline = j.putArray("timeline"); // {ms from the phase's start, shares a b c, active a b c}
        for (long[] s : shares) {
            ArrayNode row = timeline.addArray().add((s[0] - start) / 1_000_000);
            for (int c = 1; c < s.length; c++) {
                row.add(s[c]);
            }
        }
        return new double[] {followIntervals, admitted, admittedSettled, atBackend, shareUse};
    }

    private static long median(long[] v) {
        if (v.length == 0) {
            return -1;
        }
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static ObjectNode stats(List<double[]> figures, int column) {
        double[] v = figures.stream().mapToDouble(f -> f[column]).sorted().toArray();
        ObjectNode o = JSON.createObjectNode();
        if (v.length > 0) {
            double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
            o.put("median", round(median)).put("min", round(v[0])).put("max", round(v[v.length - 1]));
        }
        return o;
    }

    private static String row(JsonNode stats, String format) {
        if (!stats.has("median")) {
            return "-";
        }
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", stats.get("median").asDouble(),
                stats.get("min").asDouble(), stats.get("max").asDouble());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, long giveUp, String what)
            throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > giveUp) {
                throw new IllegalStateException("gave up waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String loadAverage() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
