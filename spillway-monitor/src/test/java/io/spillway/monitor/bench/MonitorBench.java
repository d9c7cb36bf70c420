package io.spillway.monitor.bench;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.monitor.MonitorListener;
import io.spillway.monitor.MonitorRuntime;
import io.spillway.monitor.ProbeOutcome;
import io.spillway.monitor.peers.HttpPeer;
import io.spillway.testing.TcpBackend;
import io.spillway.transport.Transport;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scale benchmark of SPEC M2: N services, each probed every interval by one monitor, against a
 * few in-process peers on loopback, for a bounded time. Reports the probes per second achieved
 * and the scheduling lag (how late each probe started against its plan) after a warm-up of one
 * interval plus two seconds.
 *
 * <p>With {@code target=HOST:FIRST-LAST} no peer is started: service {@code i} is probed at
 * {@code HOST:FIRST + i mod (LAST - FIRST + 1)}, a server of another process (the side-by-side
 * bench against HAProxy, {@code bench/monitor/side-by-side.sh}); {@code request} is the HTTP
 * monitor's request there.
 *
 * <pre>
 * java -cp ... io.spillway.monitor.bench.MonitorBench [services=5000] [type=tcp|http]
 *      [interval=1s] [timeout=1s] [duration=20s] [peers=4] [threads=0]
 *      [target=127.0.0.1:FIRST-LAST] [request="GET /healthz"]
 * </pre>
 */
public final class MonitorBench {

    private MonitorBench() {
    }

    public static void main(String[] args) throws Exception {
        int services = intArg(args, "services", 5000);
        String type = arg(args, "type", "tcp");
        Duration interval = io.spillway.core.model.Durations.parse(arg(args, "interval", "1s"));
        Duration timeout = io.spillway.core.model.Durations.parse(arg(args, "timeout", "1s"));
        Duration duration = io.spillway.core.model.Durations.parse(arg(args, "duration", "20s"));
        int peerCount = intArg(args, "peers", 4);
        int threads = intArg(args, "threads", 0);
        String target = arg(args, "target", null);
        String request = arg(args, "request", "GET /healthz");
        if (services < 1 || services > 50_000 || duration.toSeconds() > 600) {
            throw new IllegalArgumentException("services must be 1..50000 and duration at most 10m");
        }

        try (Transport peerLoops = Transport.create(1);
             Transport monitorLoops = Transport.create(threads)) {
            List<AutoCloseable> peers = new ArrayList<>();
            String host = "127.0.0.1";
            int[] ports;
            if (target != null) {
                int colon = target.lastIndexOf(':');
                int dash = target.indexOf('-', colon);
                host = target.substring(0, colon);
                int first = Integer.parseInt(target.substring(colon + 1, dash < 0 ? target.length() : dash));
                int last = dash < 0 ? first : Integer.parseInt(target.substring(dash + 1));
                ports = java.util.stream.IntStream.rangeClosed(first, last).toArray();
                peerCount = 0;
            } else {
                ports = new int[peerCount];
            }
            for (int i = 0; i < peerCount; i++) {
                if (type.equals("http")) {
                    HttpPeer p = new HttpPeer(peerLoops, null);
                    p.answer("/healthz", 200, "ok");
                    ports[i] = p.port();
                    peers.add(p);
                } else {
                    TcpBackend p = new TcpBackend().on(peerLoops.group()).start();
                    ports[i] = p.port();
                    peers.add(p);
                }
            }
            MonitorType monitorType = type.equals("http") ? MonitorType.HTTP : MonitorType.TCP;
            MonitorConfig monitor = new MonitorConfig("bench", monitorType, interval, timeout, 3, 1, 1,
                    type.equals("http") ? request : null, List.of(200), null, null, null, null, null, null, null);
            List<ServiceConfig> serviceConfigs = new ArrayList<>();
            for (int i = 0; i < services; i++) {
                serviceConfigs.add(new ServiceConfig("svc-" + i, new HostPort(host, ports[i % ports.length]),
                        ServiceProtocol.TCP, 100, null, 1, List.of("bench"), null, null));
            }
            RuntimeGraph graph = RuntimeGraph.build(new SpillwayConfig(null, List.of(monitor), serviceConfigs,
                    List.of(), null));

            long warmupNanos = interval.toNanos() + 2_000_000_000L;
            int capacity = (int) Math.min(50_000_000L,
                    (long) services * (duration.toNanos() / Math.max(1, interval.toNanos()) + 2) * 2);
            Recorder recorder = new Recorder(capacity);
            MonitorRuntime runtime = new MonitorRuntime(monitorLoops, graph);
            runtime.addListener(recorder);
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

            long[] monitorThreads = threadIds(monitorLoops);
            long[] peerThreads = threadIds(peerLoops);
            long start = System.nanoTime();
            runtime.start();
            long measureFrom = start + warmupNanos;
            long end = start + warmupNanos + duration.toNanos();
            long cpuAtMeasure = -1;
            long monitorCpu0 = 0;
            long peerCpu0 = 0;
            while (System.nanoTime() < end) {
                if (cpuAtMeasure < 0 && System.nanoTime() >= measureFrom) {
                    recorder.startMeasuring();
                    cpuAtMeasure = os.getProcessCpuTime();
                    monitorCpu0 = cpuOf(monitorThreads);
                    peerCpu0 = cpuOf(peerThreads);
                }
                Thread.sleep(50); // the bench's own clock; nothing waits on a condition here
            }
            recorder.stopMeasuring();
            long cpu = os.getProcessCpuTime() - cpuAtMeasure;
            long monitorCpu = cpuOf(monitorThreads) - monitorCpu0;
            long peerCpu = cpuOf(peerThreads) - peerCpu0;
            runtime.close();
            long up = graph.services().stream().filter(s -> s.isUp()).count();
            for (AutoCloseable p : peers) {
                p.close();
            }

            double seconds = duration.toNanos() / 1e9;
            long[] lags = recorder.lags();
            Arrays.sort(lags);
            System.out.printf(Locale.ROOT,
                    "monitor bench: %d %s services, interval %s, %d monitor loops (%s), %.0fs measured%n",
                    services, type, io.spillway.core.model.Durations.format(interval),
                    threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
                    monitorLoops.isEpoll() ? "epoll" : "nio", seconds);
            System.out.printf(Locale.ROOT, "  probes: %d (%.0f/s, expected %.0f/s), failed %d, services UP at end %d/%d%n",
                    lags.length, lags.length / seconds, services * 1e9 / interval.toNanos(), recorder.failed.sum(),
                    up, services);
            recorder.errors.forEach((e, n) -> System.out.printf(Locale.ROOT, "    failed: %s x%d%n", e, n.sum()));
            System.out.printf(Locale.ROOT, "  scheduling lag ms: p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                    pct(lags, 0.50), pct(lags, 0.99), pct(lags, 0.999), lags.length == 0 ? 0 : lags[lags.length - 1] / 1e6);
            System.out.printf(Locale.ROOT, "  CPU while measuring: process %.1f%% of one core; monitor loops %.1f%%, "
                    + "peer loop %.1f%%%n", cpu / 1e7 / seconds, monitorCpu / 1e7 / seconds, peerCpu / 1e7 / seconds);
            if (lags.length > 0) {
                double perProbeUs = monitorCpu / 1e3 / lags.length;
                System.out.printf(Locale.ROOT, "  monitor-loop CPU per probe: %.1f us (%.0f probes/s per core)%n",
                        perProbeUs, 1e6 / perProbeUs);
            }
            System.out.printf(Locale.ROOT, "  machine load average at end: %.1f on %d cores%n",
                    os.getSystemLoadAverage(), os.getAvailableProcessors());
        }
    }

    /** The ids of the threads of a transport's event loops. */
    private static long[] threadIds(Transport transport) throws InterruptedException {
        List<Long> ids = new ArrayList<>();
        for (io.netty.util.concurrent.EventExecutor e : transport.group()) {
            ids.add(e.submit(() -> Thread.currentThread().getId()).sync().getNow());
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    private static long cpuOf(long[] threadIds) {
        var threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long id : threadIds) {
            sum += Math.max(0, threads.getThreadCpuTime(id));
        }
        return sum;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    private static String arg(String[] args, String name, String dflt) {
        for (String a : args) {
            if (a.startsWith(name + "=")) {
                return a.substring(name.length() + 1);
            }
        }
        return dflt;
    }

    private static int intArg(String[] args, String name, int dflt) {
        return Integer.parseInt(arg(args, name, Integer.toString(dflt)));
    }

    /** Lags of the probes that finished while measuring, in a preallocated array. */
    private static final class Recorder implements MonitorListener {
        private final long[] lags;
        private final AtomicInteger count = new AtomicInteger();
        private final LongAdder failed = new LongAdder();
        private final java.util.concurrent.ConcurrentHashMap<String, LongAdder> errors =
                new java.util.concurrent.ConcurrentHashMap<>();
        private volatile boolean measuring;

        Recorder(int capacity) {
            lags = new long[capacity];
        }

        void startMeasuring() {
            measuring = true;
        }

        void stopMeasuring() {
            measuring = false;
        }

        @Override
        public void onProbe(String service, String monitor, long lagNanos, ProbeOutcome outcome) {
            if (!measuring) {
                return;
            }
            int i = count.getAndIncrement();
            if (i < lags.length) {
                lags[i] = lagNanos;
            }
            if (!outcome.ok()) {
                failed.increment();
                errors.computeIfAbsent(String.valueOf(outcome.error()).replaceAll("[0-9]+", "N"),
                        k -> new LongAdder()).increment();
            }
        }

        long[] lags() {
            return Arrays.copyOf(lags, Math.min(count.get(), lags.length));
        }
    }
}
