package io.spillway.gslb.branch;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Turns the live state of a branch's published vServers into a {@link SiteReport} (SPEC G1).
 *
 * <p>Per published domain: the vServer's state (UP while any service is UP), its capacity (the
 * current threshold, S3), the available capacity (threshold minus active connections, never
 * below zero), active connections (which are also the requests outstanding: the runtime admits
 * per connection, S8), connections served since start, errors (connections dropped when the
 * chain was full), and D1's available services and their weight sum. The recent response time is
 * the weighted mean of the UP services' smoothed response times now; the average response time
 * is the mean of all recent figures this builder has reported, i.e. its history.
 *
 * <p><b>Bandwidth</b> is the bytes the vServer moved both ways (its {@code Traffic} counters, in
 * plus out) since this builder's previous report of the domain, divided by the time between the
 * two reports: bytes per second over the last interval, as G1 asks. The first report of a domain
 * has no interval and says 0; so does one that finds the counters lower than before (the vServer
 * was removed and added again by reloads), which starts the next interval from there. A vServer
 * that a reload changed keeps its counters, so its bandwidth goes on across the reload.
 * A domain whose vServer does not exist (after a reload removed it) is reported DOWN.
 */
public final class ReportBuilder {

    private final String site;
    private final List<GslbConfig.Publish> publish;
    private final Supplier<RuntimeGraph> graph;
    private final Map<String, double[]> history = new ConcurrentHashMap<>();
    /** Per domain: {bytes in + out, epoch millis} at the previous report. */
    private final Map<String, long[]> lastBytes = new ConcurrentHashMap<>();

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
            domains.add(vs == null ? down(p) : domain(p, vs, nowMillis));
        }
        return new SiteReport(site, aggregatorSite, epoch, sequence, nowMillis, domains);
    }

    private static DomainReport down(GslbConfig.Publish p) {
        return new DomainReport(p.domain(), p.vserver(), p.address(), false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private DomainReport domain(GslbConfig.Publish p, VirtualServer vs, long nowMillis) {
        int threshold = vs.threshold();
        int active = vs.activeConnections();
        int available = threshold == VirtualServer.UNLIMITED ? VirtualServer.UNLIMITED : Math.max(0, threshold - active);
        int upServices = 0;
        int weightSum = 0;
        double weightedRt = 0;
        int rtWeight = 0;
        for (Service s : vs.services()) {
            if (!s.isUp()) {
                continue;
            }
            upServices++;
            weightSum += s.weight();
            if (s.responseTime().hasSamples()) {
                weightedRt += s.responseTime().millis() * s.weight();
                rtWeight += s.weight();
            }
        }
        double recent = rtWeight == 0 ? 0 : weightedRt / rtWeight;
        double average = recordHistory(p.domain(), recent, rtWeight > 0);
        return new DomainReport(p.domain(), p.vserver(), p.address(), vs.isUp(), threshold, available, active,
                active, vs.admitted(), average, recent, vs.drops(), bandwidth(p.domain(), vs, nowMillis),
                upServices, weightSum);
    }

    /** Bytes per second since the previous report of {@code domain}; 0 without one. */
    private long bandwidth(String domain, VirtualServer vs, long nowMillis) {
        long bytes = vs.traffic().bytesIn() + vs.traffic().bytesOut();
        long[] last = lastBytes.computeIfAbsent(domain, d -> new long[] {-1, 0});
        synchronized (last) {
            long previousBytes = last[0];
            long elapsed = nowMillis - last[1];
            last[0] = bytes;
            last[1] = nowMillis;
            if (previousBytes < 0 || bytes < previousBytes || elapsed <= 0) {
                return 0;
            }
            return (bytes - previousBytes) * 1000 / elapsed;
        }
    }

    /** Running mean of the recent figures that had samples: {sum, count}. */
    private double recordHistory(String domain, double recent, boolean sampled) {
        double[] h = history.computeIfAbsent(domain, d -> new double[2]);
        synchronized (h) {
            if (sampled) {
                h[0] += recent;
                h[1]++;
            }
            return h[1] == 0 ? 0 : h[0] / h[1];
        }
    }
}
