package io.spillway.gslb.hierarchy;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.gslb.internal.exchange.Dialer;
import io.spillway.gslb.internal.exchange.ExchangeMessage;
import io.spillway.gslb.internal.exchange.ExchangeSettings;
import io.spillway.gslb.internal.exchange.FrameCodec;
import io.spillway.gslb.internal.exchange.HmacAuth;
import io.spillway.gslb.internal.exchange.Link;
import io.spillway.gslb.internal.exchange.LinkListener;
import io.spillway.gslb.internal.exchange.LocalEnd;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * GSLB at scale (bench/gslb-scale): hundreds to thousands of simulated branches report over the
 * real exchange protocol (length-prefixed JSON frames, HMAC challenge-response; the project's own
 * {@link Dialer} and codec) to aggregators that run as separate {@code spillway run} processes.
 *
 * <p>Each simulated branch dials one aggregator (round robin over {@code branchPorts}) and sends a
 * report every interval, its first after a random fraction of an interval so that the branches'
 * phases are spread as those of real branches started at different times. One observer per
 * aggregator connects as an aggregator peer and receives the snapshot and deltas the aggregator
 * sends to its peers.
 *
 * <p>Measured: <b>CPU per report</b>, the aggregator process's user + system time (from
 * {@code /proc/PID/stat}) over the measured window divided by the reports the simulated branches
 * sent it in that window; and <b>convergence</b>: a random branch's available capacity changes,
 * which it reports with its next periodic report (up to one interval later, as a load change at a
 * real branch); the time until every observer has received the new figure from its aggregator.
 *
 * <p>Observers connect first (given 60 s). Arguments: {@code secret branchPorts(comma) observePorts(comma) pids(comma, same order as
 * observePorts) branches intervalMs warmupSec measureSec changes resultsFile label}. Bounded:
 * each batch of 50 connections waits at most 10 s (the run goes on with the branches that connected), each change at most 10 s, and the whole run ends by
 * the connection time + warmup + measure + 180 s.
 */
public final class ScaleBench {

    static final String DOMAIN = "app.example.test";
    static final int CAPACITY = 100;
    static final int BATCH = 50;
    static final long CHANGE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    public static void main(String[] args) throws Exception {
        String secret = args[0];
        int[] branchPorts = ints(args[1]);
        int[] observePorts = ints(args[2]);
        int[] pids = ints(args[3]);
        int branches = Integer.parseInt(args[4]);
        Duration interval = Duration.ofMillis(Long.parseLong(args[5]));
        int warmupSec = Integer.parseInt(args[6]);
        int measureSec = Integer.parseInt(args[7]);
        int changes = Integer.parseInt(args[8]);
        Path results = Path.of(args[9]);
        String label = args[10];
        long deadline = System.nanoTime()
                + TimeUnit.SECONDS.toNanos(warmupSec + measureSec + 10L * (branches / BATCH + 1) + 180L);

        FrameCodec.prepare();
        GslbConfig.Exchange ex = new GslbConfig.Exchange(null, null, List.of(), null, interval, null, secret, null, null, null);
        ExchangeSettings settings = ExchangeSettings.from(ex);
        HmacAuth auth = new HmacAuth(secret);
        Transport transport = Transport.create(Math.min(2, Runtime.getRuntime().availableProcessors()));
        List<Dialer> dialers = new ArrayList<>();
        try {
            Observers observers = new Observers(observePorts.length);
            for (int i = 0; i < observePorts.length; i++) {
                LocalEnd local = new LocalEnd("scale-observer-" + i, GslbRole.AGGREGATOR, () -> null, auth, settings);
                Dialer d = new Dialer(transport, new HostPort("127.0.0.1", observePorts[i]), local, null,
                        observers.listener(i));
                dialers.add(d);
                d.start();
            }
            long observersBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (observers.connected.get() < observePorts.length && System.nanoTime() < observersBy) {
                Thread.sleep(20);
            }
            // branches come up in batches, as branches of a real hierarchy start at different times;
            // a thousand handshakes at once on a cold JVM would only time out and redial
            List<SimBranch> sims = new ArrayList<>();
            for (int b = 0; b < branches; b++) {
                int port = branchPorts[b % branchPorts.length];
                SimBranch sim = new SimBranch(String.format(Locale.ROOT, "sim-%05d", b), interval, port);
                LocalEnd local = new LocalEnd(sim.site, GslbRole.BRANCH, () -> null, auth, settings);
                Dialer d = new Dialer(transport, new HostPort("127.0.0.1", port), local, null, sim);
                sims.add(sim);
                dialers.add(d);
                d.start();
                if ((b + 1) % BATCH == 0 || b + 1 == branches) {
                    awaitBatch(b + 1, observers, observePorts.length);
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d of %d branches and %d of %d observers connected; warming up %d s%n",
                    Instant.now(), SimBranch.CONNECTED.get(), branches, observers.connected.get(), observePorts.length,
                    warmupSec);
            if (observers.connected.get() < observePorts.length) {
                throw new IllegalStateException("an aggregator took no observer link");
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSec));

            long[] cpu0 = cpuTicks(pids);
            long[] sent0 = sentPerPort(sims, branchPorts);
            long wall0 = System.nanoTime();
            Random random = new Random(11);
            List<Double> convergenceMs = new ArrayList<>();
            long measureEnd = wall0 + TimeUnit.SECONDS.toNanos(measureSec);
            long gap = measureSec * 1000L / Math.max(1, changes);
            for (int c = 0; c < changes && System.nanoTime() < measureEnd && System.nanoTime() < deadline; c++) {
                List<SimBranch> live = sims.stream().filter(SimBranch::connected).toList();
                if (live.isEmpty()) {
                    break;
                }
                SimBranch target = live.get(random.nextInt(live.size()));
                int next = target.available.get() == CAPACITY ? CAPACITY / 2 : CAPACITY;
                convergenceMs.add(observers.measure(target, next));
                long rest = gap - (long) convergenceMs.get(convergenceMs.size() - 1).doubleValue();
                Thread.sleep(Math.max(0, Math.min(rest, measureEnd - System.nanoTime()) / 1_000_000L + random.nextInt(50)));
            }
            long left = measureEnd - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
            long wall = System.nanoTime() - wall0;
            long[] cpu1 = cpuTicks(pids);
            long[] sent1 = sentPerPort(sims, branchPorts);

            StringBuilder json = new StringBuilder();
            json.append(String.format(Locale.ROOT, "{\"label\": \"%s\", \"branches\": %d, \"intervalMs\": %d, "
                            + "\"connected\": %d, \"measureSec\": %.1f, \"loadAverage\": \"%s\", \"aggregators\": [",
                    label, branches, interval.toMillis(), SimBranch.CONNECTED.get(), wall / 1e9, loadAverage()));
            for (int i = 0; i < observePorts.length; i++) {
                int idx = indexOf(branchPorts, observePorts[i]);
                long reports = idx < 0 ? 0 : sent1[idx] - sent0[idx];
                double cpuMs = (cpu1[i] - cpu0[i]) * 10.0;
                double perReportUs = reports == 0 ? Double.NaN : cpuMs * 1000.0 / reports;
                double cores = cpuMs / (wall / 1e6);
                System.out.printf(Locale.ROOT, "aggregator :%d  reports %d (%.0f/s)  cpu %.0f ms (%.2f cores)  "
                                + "cpu per report %.1f us%n", observePorts[i], reports, reports / (wall / 1e9), cpuMs,
                        cores, perReportUs);
                json.append(String.format(Locale.ROOT, "%s{\"port\": %d, \"reports\": %d, \"cpuMs\": %.0f, "
                                + "\"cores\": %.3f, \"cpuPerReportUs\": %s}", i == 0 ? "" : ", ", observePorts[i],
                        reports, cpuMs, cores, Double.isNaN(perReportUs) ? "null"
                                : String.format(Locale.ROOT, "%.2f", perReportUs)));
            }
            double p50 = ConvergenceBench.percentile(convergenceMs, 50);
            double p99 = ConvergenceBench.percentile(convergenceMs, 99);
            double ms = interval.toMillis();
            System.out.printf(Locale.ROOT, "convergence (load change to every aggregator's peers): %d samples, "
                            + "p50 %.1f ms (%.2f intervals), p99 %.1f ms (%.2f intervals), missed %d%n",
                    convergenceMs.size(), p50, p50 / ms, p99, p99 / ms, ConvergenceBench.missed(convergenceMs));
            json.append(String.format(Locale.ROOT, "], \"convergence\": %s}%n",
                    ConvergenceBench.stats(convergenceMs, ms)));
            Files.createDirectories(results.toAbsolutePath().getParent());
            Files.writeString(results, json.toString(), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } finally {
            dialers.forEach(Dialer::close);
            transport.close();
        }
    }

    /** Waits up to 10 s for a batch; an aggregator that cannot keep up is measured with the branches it took. */
    static void awaitBatch(int branches, Observers observers, int observerCount) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((SimBranch.CONNECTED.get() < branches || observers.connected.get() < observerCount)
                && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    /** A simulated branch: one link, a report every interval with its current available capacity. */
    static final class SimBranch implements LinkListener {
        static final AtomicInteger CONNECTED = new AtomicInteger();
        private static final AtomicLong LAST_EPOCH = new AtomicLong();

        final String site;
        final int port;
        final AtomicInteger available = new AtomicInteger(CAPACITY);
        final AtomicLong sent = new AtomicLong();
        private final Duration interval;
        private final long epoch = LAST_EPOCH.updateAndGet(last -> Math.max(System.currentTimeMillis(), last + 1));
        private final AtomicLong sequence = new AtomicLong();
        private final HostPort published;
        private final ConcurrentHashMap<Link, java.util.concurrent.Future<?>> tasks = new ConcurrentHashMap<>();
        private volatile boolean counted;

        SimBranch(String site, Duration interval, int port) {
            this.site = site;
            this.interval = interval;
            this.port = port;
            this.published = new HostPort("127.0.0.1", 10_000 + Math.floorMod(site.hashCode(), 50_000));
        }

        /** Whether its link is up: only a connected branch can report a change. */
        boolean connected() {
            return !tasks.isEmpty();
        }

        @Override
        public String refuse(ExchangeMessage.Hello peer) {
            return null;
        }

        @Override
        public void onEstablished(Link link) {
            if (!counted) {
                counted = true;
                CONNECTED.incrementAndGet();
            }
            long ms = interval.toMillis();
            long first = ThreadLocalRandom.current().nextLong(ms);
            tasks.put(link, link.eventLoop().scheduleAtFixedRate(() -> report(link), first, ms, TimeUnit.MILLISECONDS));
        }

        private void report(Link link) {
            if (!link.isOpen()) {
                return;
            }
            int avail = available.get();
            DomainReport d = new DomainReport(DOMAIN, "app", published, true, CAPACITY, avail, CAPACITY - avail,
                    CAPACITY - avail, sequence.get() * 3, 12.5, 10.0, 0, 0, 2, 2);
            long now = System.currentTimeMillis();
            link.send(new ExchangeMessage.Report(new SiteReport(site, link.peerSite(), epoch,
                    sequence.incrementAndGet(), now, List.of(d))));
            sent.incrementAndGet();
        }

        @Override
        public void onMessage(Link link, ExchangeMessage message) {
            // polls and answers are not part of this bench; a poll is answered by the next report
        }

        @Override
        public void onClosed(Link link) {
            var t = tasks.remove(link);
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** Aggregator peers that stamp when each aggregator passes a probed figure on. */
    static final class Observers {
        final AtomicInteger connected = new AtomicInteger();
        private final int count;
        private volatile Probe probe;

        record Probe(String site, int available, AtomicLongArray seenAt, AtomicInteger seen) {
        }

        Observers(int count) {
            this.count = count;
        }

        LinkListener listener(int index) {
            return new LinkListener() {
                @Override
                public String refuse(ExchangeMessage.Hello peer) {
                    return null;
                }

                @Override
                public void onEstablished(Link link) {
                    connected.incrementAndGet();
                    link.send(new ExchangeMessage.Snapshot(List.of(), true));
                }

                @Override
                public void onMessage(Link link, ExchangeMessage message) {
                    List<ExchangeMessage.WireEntry> entries = message instanceof ExchangeMessage.Delta d ? d.entries()
                            : message instanceof ExchangeMessage.Snapshot s ? s.entries() : List.of();
                    Probe p = probe;
                    if (p == null) {
                        return;
                    }
                    for (ExchangeMessage.WireEntry e : entries) {
                        if (e.report().site().equals(p.site()) && !e.report().domains().isEmpty()
                                && e.report().domains().get(0).availableCapacity() == p.available()
                                && p.seenAt().compareAndSet(index, 0, System.nanoTime())) {
                            p.seen().incrementAndGet();
                        }
                    }
                }

                @Override
                public void onClosed(Link link) {
                    connected.decrementAndGet();
                }
            };
        }

        /** Milliseconds from the change until every observer received it; NaN if not within the bound. */
        double measure(SimBranch target, int available) throws InterruptedException {
            Probe p = new Probe(target.site, available, new AtomicLongArray(count), new AtomicInteger());
            probe = p;
            long start = System.nanoTime();
            target.available.set(available);
            long end = start + CHANGE_WAIT_NANOS;
            while (p.seen().get() < count && System.nanoTime() < end) {
                Thread.sleep(2);
            }
            probe = null;
            if (p.seen().get() < count) {
                return Double.NaN;
            }
            long last = 0;
            for (int i = 0; i < count; i++) {
                last = Math.max(last, p.seenAt().get(i));
            }
            return (last - start) / 1e6;
        }
    }

    static long[] cpuTicks(int[] pids) throws IOException {
        long[] out = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            String stat = Files.readString(Path.of("/proc/" + pids[i] + "/stat"));
            // fields after the command name (which may hold spaces) in parentheses: utime is 14, stime 15
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            out[i] = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return out;
    }

    static long[] sentPerPort(List<SimBranch> sims, int[] ports) {
        long[] out = new long[ports.length];
        for (SimBranch s : sims) {
            out[indexOf(ports, s.port)] += s.sent.get();
        }
        return out;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    static int[] ints(String csv) {
        String[] parts = csv.split(",");
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Integer.parseInt(parts[i].trim());
        }
        return out;
    }

    private ScaleBench() {
    }
}
