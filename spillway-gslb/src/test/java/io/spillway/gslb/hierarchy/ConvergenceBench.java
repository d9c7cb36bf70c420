package io.spillway.gslb.hierarchy;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.gslb.GslbNode;
import io.spillway.transport.Transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * GSLB convergence benchmark (bench/gslb-convergence, BENCHMARKS.md): a master, aggregators
 * that know only the master (8 unless told), and branches per aggregator (32 unless told), in one
 * JVM on loopback.
 *
 * <p>Propagation: a random branch changes state, either by an event (its only service is
 * disabled, then enabled: reported at once) or by load (its vServer fills up, then empties:
 * seen at the next report interval); the time until every aggregator's table reflects it is
 * taken from table listeners, so it is exact to the listener call. Recovery: an aggregator is
 * killed and a new one started at a new address, so its branches cannot reconnect; the time
 * until its table holds every branch as available comes from the master's snapshot.
 *
 * <p>Arguments: {@code intervalMs changesPerKind recoveries resultsDir commit [aggregators
 * branchesPerAggregator]}. Bounded: every
 * wait gives up after 10 s and the whole run after 400 s.
 */
public final class ConvergenceBench {

    static int AGGREGATORS = 8;
    static int BRANCHES_PER_AGGREGATOR = 32;
    static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Branches started at a time, each batch waited for before the next. */
    static final int BATCH = 16;

    public static void main(String[] args) throws Exception {
        Duration interval = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 500);
        int changes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int recoveries = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path results = Path.of(args.length > 3 ? args[3] : "bench/results");
        String commit = args.length > 4 ? args[4] : "unknown";
        AGGREGATORS = args.length > 5 ? Integer.parseInt(args[5]) : AGGREGATORS;
        BRANCHES_PER_AGGREGATOR = args.length > 6 ? Integer.parseInt(args[6]) : BRANCHES_PER_AGGREGATOR;
        Duration stale = interval.multipliedBy(3);

        Path dir = Hierarchy.scratchDir();
        Transport transport = Transport.create(0);
        try (Hierarchy h = new Hierarchy(transport, true, interval, stale)) {
            long t0 = System.nanoTime();
            GslbNode master = h.master("master", dir.resolve("snapshot.json"));
            HostPort m = Hierarchy.addressOf(master);
            List<GslbNode> aggs = new ArrayList<>();
            List<Hierarchy.BranchUnderTest> branches = new ArrayList<>();
            for (int a = 0; a < AGGREGATORS; a++) {
                aggs.add(h.aggregator(String.format("agg-%d", a), m, List.of()));
                watch(aggs.get(a), a);
            }
            // one aggregator's branches at a time, in batches of BATCH, as a hierarchy grows (a
            // thousand handshakes at once on a cold, shared JVM only time out and redial); the
            // measurements start once every aggregator holds every branch
            for (int a = 0; a < AGGREGATORS; a++) {
                GslbNode agg = aggs.get(a);
                for (int b = 0; b < BRANCHES_PER_AGGREGATOR; b++) {
                    branches.add(h.branch(String.format("branch-%d-%03d", a, b), Hierarchy.addressOf(agg)));
                    int started = b + 1;
                    if (started % BATCH == 0 || started == BRANCHES_PER_AGGREGATOR) {
                        waitUntil(() -> agg.aggregator().connectedBranches().size() >= started,
                                TimeUnit.SECONDS.toNanos(20));
                    }
                }
            }
            int total = branches.size();
            // the measurements get 400 s from the moment the hierarchy is up
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(400);
            System.out.printf(Locale.ROOT, "%s: %d nodes started in %.0f ms%n", Instant.now(),
                    1 + AGGREGATORS + total, (System.nanoTime() - t0) / 1e6);
            long converged = waitUntil(() -> aggs.stream().allMatch(g -> available(g.table()) == total),
                    TimeUnit.SECONDS.toNanos(60 + total / 10));
            if (converged < 0) {
                System.out.printf(Locale.ROOT, "%s: the hierarchy did not converge within %d s: no figures%n",
                        Instant.now(), 60 + total / 10);
                return;
            }
            System.out.printf(Locale.ROOT, "%s: hierarchy of %d aggregators x %d branches up in %.0f ms%n",
                    Instant.now(), AGGREGATORS, BRANCHES_PER_AGGREGATOR, (converged - t0) / 1e6);

            Random random = new Random(7);
            List<Double> eventMs = new ArrayList<>();
            List<Double> loadMs = new ArrayList<>();
            for (int i = 0; i < changes && System.nanoTime() < deadline; i++) {
                Hierarchy.BranchUnderTest target = branches.get(random.nextInt(total));
                Service service = target.graph().services().iterator().next();
                VirtualServer shop = target.graph().vserver("shop");
                eventMs.add(propagation(AGGREGATORS, target.site(), d -> !d.up(), service::disable));
                eventMs.add(propagation(AGGREGATORS, target.site(), DomainReport::up, service::enable));
                loadMs.add(propagation(AGGREGATORS, target.site(), d -> d.availableCapacity() == 0, () -> {
                    for (int s = 0; s < Hierarchy.CAPACITY; s++) {
                        shop.tryAcquire();
                    }
                }));
                loadMs.add(propagation(AGGREGATORS, target.site(), d -> d.availableCapacity() == Hierarchy.CAPACITY, () -> {
                    for (int s = 0; s < Hierarchy.CAPACITY; s++) {
                        shop.release();
                    }
                }));
            }

            // restart on the same port: the old branches redial with backoff, but the table is
            // full from the master's snapshot long before; how many had reconnected is recorded
            List<Double> recoveryMs = new ArrayList<>();
            List<Integer> reconnectedAtRecovery = new ArrayList<>();
            for (int r = 0; r < recoveries && System.nanoTime() < deadline; r++) {
                GslbNode victim = aggs.remove(0);
                String site = victim.config().site();
                HostPort address = Hierarchy.addressOf(victim);
                h.kill(victim);
                SiteTable fresh = new SiteTable(stale);
                long start = System.nanoTime();
                GslbNode restarted = h.aggregatorAt(address, site, m, List.of(), fresh);
                long done = waitUntil(() -> available(fresh) == total, WAIT_NANOS);
                recoveryMs.add(done < 0 ? Double.NaN : (done - start) / 1e6);
                reconnectedAtRecovery.add(restarted.aggregator().connectedBranches().size());
                aggs.add(restarted);
                waitUntil(() -> restarted.aggregator().connectedBranches().size() == BRANCHES_PER_AGGREGATOR,
                        WAIT_NANOS);
            }
            System.out.println("own branches reconnected when the restarted aggregator's table was full: "
                    + reconnectedAtRecovery + " of " + BRANCHES_PER_AGGREGATOR);

            double ms = interval.toMillis();
            String table = report(interval, eventMs, loadMs, recoveryMs);
            System.out.println(table);
            write(results, commit, interval, eventMs, loadMs, recoveryMs, ms);
        } finally {
            deleteTree(dir);
        }
    }

    static int available(SiteTable t) {
        int n = 0;
        for (SiteEntry e : t.sites()) {
            if (t.isAvailable(e)) {
                n++;
            }
        }
        return n;
    }

    /** What the table listeners are looking for now; null between measurements. */
    static volatile Probe current;

    record Probe(String site, Predicate<DomainReport> reflects, AtomicLongArray seenAt, AtomicInteger count) {
    }

    /** Registers, once per aggregator table, the listener that stamps when a probe is satisfied there. */
    static void watch(GslbNode aggregator, int index) {
        aggregator.table().addListener(e -> {
            Probe p = current;
            if (p != null && e.site().equals(p.site())
                    && e.report().domain(Hierarchy.DOMAIN).map(p.reflects()::test).orElse(false)
                    && p.seenAt().compareAndSet(index, 0, System.nanoTime())) {
                p.count().incrementAndGet();
            }
        });
    }

    /** Milliseconds from {@code change} until every aggregator's table shows {@code reflects}; NaN if not within the bound. */
    static double propagation(int aggregators, String site, Predicate<DomainReport> reflects, Runnable change) {
        Probe p = new Probe(site, reflects, new AtomicLongArray(aggregators), new AtomicInteger());
        current = p;
        long start = System.nanoTime();
        change.run();
        long done = waitUntil(() -> p.count().get() == aggregators, WAIT_NANOS);
        current = null;
        if (done < 0) {
            return Double.NaN;
        }
        long last = 0;
        for (int i = 0; i < aggregators; i++) {
            last = Math.max(last, p.seenAt().get(i));
        }
        return (last - start) / 1e6;
    }

    static long waitUntil(java.util.function.BooleanSupplier condition, long boundNanos) {
        long end = System.nanoTime() + boundNanos;
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            try {
                // the table listeners stamp the exact times; polling only notices completion
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    static double percentile(List<Double> values, double p) {
        double[] v = values.stream().filter(d -> !d.isNaN()).mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, idx))];
    }

    static long missed(List<Double> values) {
        return values.stream().filter(d -> d.isNaN()).count();
    }

    static String report(Duration interval, List<Double> event, List<Double> load, List<Double> recovery) {
        double ms = interval.toMillis();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n%d aggregators x %d branches, interval %d ms, %d cores, load average %s%n%n",
                AGGREGATORS, BRANCHES_PER_AGGREGATOR, interval.toMillis(), Runtime.getRuntime().availableProcessors(),
                ScaleBench.loadAverage()));
        sb.append("| measure | samples | p50 ms | p99 ms | p50 intervals | p99 intervals | missed |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- |\n");
        row(sb, "propagation, service down/up (event)", event, ms);
        row(sb, "propagation, vServer full/empty (load)", load, ms);
        row(sb, "recovery from the master (restarted aggregator)", recovery, ms);
        return sb.toString();
    }

    static void row(StringBuilder sb, String name, List<Double> v, double ms) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.2f | %.2f | %d |%n", name, v.size(),
                percentile(v, 50), percentile(v, 99), percentile(v, 50) / ms, percentile(v, 99) / ms, missed(v)));
    }

    static void write(Path dir, String commit, Duration interval, List<Double> event, List<Double> load,
                      List<Double> recovery, double ms) throws IOException {
        Files.createDirectories(dir);
        String now = Instant.now().toString();
        String json = String.format(Locale.ROOT, "{%n  \"benchmark\": \"gslb-convergence\",%n  \"date\": \"%s\",%n"
                        + "  \"commit\": \"%s\",%n  \"cores\": %d,%n  \"aggregators\": %d,%n  \"branchesPerAggregator\": %d,%n"
                        + "  \"intervalMs\": %d,%n  \"loadAverage\": \"%s\",%n  \"eventPropagation\": %s,%n"
                        + "  \"loadPropagation\": %s,%n"
                        + "  \"masterRecovery\": %s%n}%n",
                now, commit, Runtime.getRuntime().availableProcessors(), AGGREGATORS, BRANCHES_PER_AGGREGATOR,
                interval.toMillis(), ScaleBench.loadAverage(), stats(event, ms), stats(load, ms), stats(recovery, ms));
        Path file = dir.resolve("gslb-convergence-" + AGGREGATORS + "x" + BRANCHES_PER_AGGREGATOR + "-"
                + interval.toMillis() + "ms-" + now.substring(0, 19).replace(':', '-') + ".json");
        Files.writeString(file, json);
        System.out.println("wrote " + file);
    }

    static String stats(List<Double> v, double ms) {
        return String.format(Locale.ROOT, "{\"samples\": %d, \"missed\": %d, \"p50Ms\": %.1f, \"p99Ms\": %.1f, "
                        + "\"p50Intervals\": %.2f, \"p99Intervals\": %.2f, \"maxMs\": %.1f}",
                v.size(), missed(v), percentile(v, 50), percentile(v, 99), percentile(v, 50) / ms,
                percentile(v, 99) / ms, percentile(v, 100));
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }

    private ConvergenceBench() {
    }

}
