package io.spillway.gslb.branch;

import io.spillway.core.gslb.DomainLoad;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.PersistenceTable;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.SpilloverChain;
import io.spillway.core.runtime.StatusClass;
import io.spillway.core.runtime.Traffic;
import io.spillway.core.runtime.VirtualServer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns the live state of a branch's published vServers into a {@link SiteReport} (SPEC G1).
 *
 * <p>Per published domain: the vServer's state (UP while any service is UP), its capacity (the
 * current threshold, S3), the available capacity (threshold minus active connections, never
 * below zero), active connections (which are also the requests outstanding: the runtime admits
 * per connection, S8), connections served since start, errors (connections dropped when the
 * chain was full), and D1's available services and their weight sum. The recent response time is
 * the weighted mean of the UP services' smoothed served-request times now ({@link
 * Service#servedTime()}: the proxy's requests, never the monitors' probes); the average response
 * time is the mean of all recent figures this builder has reported.
 *
 * <p><b>The interval's figures</b> ({@link DomainLoad}) are differences of the vServer's and its
 * services' monotonic counters ({@code Traffic}, {@code Slots}) between this builder's previous
 * report of the domain and this one: requests, errors (5xx answers and drops), clients admitted,
 * bytes in and out per second, and the mean served-request time of the requests that ended in
 * the interval, appended to a history of the last {@link DomainLoad#HISTORY} intervals. With
 * them go the connections held now by kind (client, server, tunnel) and the persistence entries
 * (sessions). The first report of a domain has no interval and says 0; so does one that finds a
 * counter lower than before (the vServer was removed and added again by reloads), which starts
 * the next interval from there, and a second report within the same millisecond, whose moves
 * the next report counts. A vServer that a reload changed keeps its counters, so its figures
 * go on across the reload. Reading a counter sums a few {@code LongAdder} cells; nothing here
 * touches the data path.
 *
 * <p>The process's resource use ({@link ProcessResources}) is sampled once per report, at most
 * once per 100 ms. A domain whose vServer does not exist (after a reload removed it) is reported
 * DOWN, without interval figures.
 */
final class ReportBuilder {

    /** The least time between two samples of the process's resource use. */
    static final long RESOURCE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String site;
    private final List<GslbConfig.Publish> publish;
    private final Supplier<RuntimeGraph> graph;
    private final Map<String, Previous> previous = new ConcurrentHashMap<>();
    private final ProcessResources resources = new ProcessResources(RESOURCE_PERIOD_NANOS);

    public ReportBuilder(String site, List<GslbConfig.Publish> publish, Supplier<RuntimeGraph> graph) {
        this.site = site;
        this.publish = List.copyOf(publish);
        this.graph = graph;
    }

    public List<GslbConfig.Publish> publish() {
        return publish;
    }

    public SiteReport build(String aggregatorSite, long epoch, long sequence, long nowMillis) {
        RuntimeGraph g = graph.get();
        List<DomainReport> domains = new ArrayList<>(publish.size());
        for (GslbConfig.Publish p : publish) {
            VirtualServer vs = g == null ? null : g.vserver(p.vserver());
            domains.add(vs == null ? down(p) : domain(p, vs, g.chain(vs.name()), nowMillis));
        }
        return new SiteReport(site, aggregatorSite, epoch, sequence, nowMillis, domains,
                resources.sample(System.nanoTime()));
    }

    private static DomainReport down(GslbConfig.Publish p) {
        return new DomainReport(p.domain(), p.vserver(), p.address(), false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private DomainReport domain(GslbConfig.Publish p, VirtualServer vs, SpilloverChain chain, long nowMillis) {
        int threshold = vs.threshold();
        int active = vs.activeConnections();
        int available = threshold == VirtualServer.UNLIMITED ? VirtualServer.UNLIMITED : Math.max(0, threshold - active);
        int upServices = 0;
        int weightSum = 0;
        double weightedRt = 0;
        int rtWeight = 0;
        long servedNanos = 0;
        long served = 0;
        for (Service s : vs.services()) {
            servedNanos += s.traffic().servedNanos();
            served += s.traffic().servedRequests();
            if (!s.isUp()) {
                continue;
            }
            upServices++;
            weightSum += s.weight();
            if (s.servedTime().hasSamples()) {
                weightedRt += s.servedTime().millis() * s.weight();
                rtWeight += s.weight();
            }
        }
        double recent = rtWeight == 0 ? 0 : weightedRt / rtWeight;
        Traffic t = vs.traffic();
        boolean http = vs.config().protocol() == VServerProtocol.HTTP || vs.config().protocol() == VServerProtocol.HTTPS;
        Counters now = new Counters(nowMillis, http ? t.requests() : vs.admitted(),
                t.requests(StatusClass.SERVER_ERROR) + vs.drops(), vs.admitted(), t.bytesIn(), t.bytesOut(),
                servedNanos, served);
        Previous state = previous.computeIfAbsent(p.domain(), d -> new Previous());
        PersistenceTable sessions = chain == null ? null : chain.persistence();
        DomainLoad load;
        double average;
        synchronized (state) {
            load = state.next(now, active, (int) vs.traffic().serverConnections(), (int) vs.traffic().tunnels(),
                    sessions == null ? 0 : sessions.size());
            average = state.average(recent, rtWeight > 0);
        }
        return new DomainReport(p.domain(), p.vserver(), p.address(), vs.isUp(), threshold, available, active,
                active, vs.admitted(), average, recent, vs.drops(),
                load.bandwidthInBytesPerSecond() + load.bandwidthOutBytesPerSecond(), upServices, weightSum, load);
    }

    /** The monotonic counters one report reads. */
    private record Counters(long atMillis, long requests, long errors, long admitted, long bytesIn, long bytesOut,
                            long servedNanos, long served) {
    }

    /** What the previous report of a domain read, its response-time history and running mean. */
    private static final class Previous {

        private Counters last;
        private final double[] history = new double[DomainLoad.HISTORY];
        private int historyLength;
        private double recentSum;
        private long recentCount;

        DomainLoad next(Counters now, int clients, int servers, int tunnels, long sessions) {
            Counters before = last;
            if (before == null || wentBack(before, now)) {
                last = now;
                return new DomainLoad(0, 0, 0, 0, 0, 0, clients, servers, tunnels, sessions, snapshot());
            }
            long elapsed = now.atMillis() - before.atMillis();
            if (elapsed <= 0) {
                // a second report within the millisecond (a change, a poll, a late tick catching
                // up at a 1 ms interval): no interval; what moved goes into the next report's
                return new DomainLoad(0, 0, 0, 0, 0, 0, clients, servers, tunnels, sessions, snapshot());
            }
            last = now;
            long served = now.served() - before.served();
            record(served == 0 ? -1 : Math.round((now.servedNanos() - before.servedNanos()) / 1000.0 / served) / 1000.0);
            return new DomainLoad(elapsed, now.requests() - before.requests(), now.errors() - before.errors(),
                    now.admitted() - before.admitted(), (now.bytesIn() - before.bytesIn()) * 1000 / elapsed,
                    (now.bytesOut() - before.bytesOut()) * 1000 / elapsed, clients, servers, tunnels, sessions,
                    snapshot());
        }

        /** Whether a counter is lower than before: the vServer was removed and added again. */
        private static boolean wentBack(Counters before, Counters now) {
            return now.requests() < before.requests() || now.errors() < before.errors()
                    || now.admitted() < before.admitted() || now.bytesIn() < before.bytesIn()
                    || now.bytesOut() < before.bytesOut() || now.servedNanos() < before.servedNanos()
                    || now.served() < before.served();
        }

        /** Appends one interval's mean; the oldest leaves once the history is full. */
        private void record(double millis) {
            if (historyLength == history.length) {
                System.arraycopy(history, 1, history, 0, history.length - 1);
                historyLength--;
            }
            history[historyLength++] = millis;
        }

        private double[] snapshot() {
            return Arrays.copyOf(history, historyLength);
        }

        /** Running mean of the recent figures that had samples. */
        double average(double recent, boolean sampled) {
            if (sampled) {
                recentSum += recent;
                recentCount++;
            }
            return recentCount == 0 ? 0 : recentSum / recentCount;
        }
    }
}
