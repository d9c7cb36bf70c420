package io.spillway.gslb.resolve;

import io.spillway.core.gslb.DomainLoad;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.gslb.ResourceUse;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.net.IpAddress;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * JSON-ready views of the GSLB state for the management API (CONTRACT.md): plain maps and
 * lists that Jackson writes as they are.
 */
public final class GslbViews {

    private GslbViews() {
    }

    /**
     * {@code GET /api/v1/gslb/sites}: every site known here, by name: {@code site, aggregator,
     * state (UP: report fresh, DOWN: stale), lastReportAgeMs, recovered, domains:[{domain,
     * vserver, address, up, capacity, availableCapacity, activeConnections, responseTimeMs, then
     * the rest of the branch's report (G1): recentResponseTimeMs, requestsServed, errors,
     * bandwidthBytesPerSecond, availableServices, serviceWeightSum, interval:{...},
     * connections:{client, server, tunnel}, sessions, responseTimeHistoryMs}], resources:{...}}}.
     */
    public static List<Map<String, Object>> sites(SiteTable table) {
        long now = table.nowMillis();
        List<Map<String, Object>> out = new ArrayList<>();
        List<SiteEntry> entries = new ArrayList<>(table.sites());
        entries.sort(Comparator.comparing(SiteEntry::site));
        for (SiteEntry e : entries) {
            Map<String, Object> site = new LinkedHashMap<>();
            site.put("site", e.site());
            site.put("aggregator", e.report().aggregator());
            site.put("state", table.isAvailable(e) ? "UP" : "DOWN");
            site.put("lastReportAgeMs", e.ageMillis(now));
            site.put("recovered", e.recovered());
            List<Map<String, Object>> domains = new ArrayList<>();
            for (DomainReport d : e.report().domains()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("domain", d.domain());
                m.put("vserver", d.vserver());
                m.put("address", d.address() == null ? null : d.address().toString());
                m.put("up", d.up());
                m.put("capacity", d.capacity());
                m.put("availableCapacity", d.availableCapacity());
                m.put("activeConnections", d.activeConnections());
                m.put("responseTimeMs", d.averageResponseTimeMs());
                m.put("recentResponseTimeMs", d.recentResponseTimeMs());
                m.put("requestsServed", d.requestsServed());
                m.put("errors", d.errors());
                m.put("bandwidthBytesPerSecond", d.bandwidthBytesPerSecond());
                m.put("availableServices", d.availableServices());
                m.put("serviceWeightSum", d.serviceWeightSum());
                DomainLoad load = d.load();
                Map<String, Object> interval = new LinkedHashMap<>();
                interval.put("millis", load.intervalMillis());
                interval.put("requests", load.requests());
                interval.put("errors", load.errors());
                interval.put("clientsServed", load.clientsServed());
                interval.put("bandwidthInBytesPerSecond", load.bandwidthInBytesPerSecond());
                interval.put("bandwidthOutBytesPerSecond", load.bandwidthOutBytesPerSecond());
                m.put("interval", interval);
                m.put("connections", Map.of("client", load.clientConnections(), "server", load.serverConnections(),
                        "tunnel", load.tunnels()));
                m.put("sessions", load.sessions());
                m.put("responseTimeHistoryMs", load.responseTimeHistoryMs());
                domains.add(m);
            }
            site.put("domains", domains);
            ResourceUse r = e.report().resources();
            Map<String, Object> resources = new LinkedHashMap<>();
            resources.put("cpuPercent", r.cpuPercent());
            resources.put("heapUsedBytes", r.heapUsedBytes());
            resources.put("openFileDescriptors", r.openFileDescriptors());
            site.put("resources", resources);
            out.add(site);
        }
        return out;
    }

    /**
     * {@code GET /api/v1/gslb/resolve?domain=D&client=IP}: the branch this appliance would choose
     * now: {@code {domain, client, site, address, ttlSeconds}}; or, when it cannot say,
     * {@code {domain, client, error}} with {@code status} 400 (bad client address), 404 (domain not
     * served here) or 503 (no branch available), for the caller to use as the HTTP status.
     *
     * @param client an IP address, or null/blank for no client (methods that hash the client see none)
     */
    public static Map<String, Object> resolve(Resolver resolver, String domain, String client) {
        try {
            // completes at once: the in-memory resolver never waits
            return resolve(AsyncResolver.of(resolver), domain, client, Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("domain", domain);
            return failure(out, 503, "interrupted");
        }
    }

    /**
     * The same view answered by an {@link AsyncResolver} (a branch forwarding to its
     * aggregator, G5): blocks the calling thread up to {@code timeout}, so call it from a
     * worker thread, never an event loop. Adds 504 (no answer in time) to the statuses above.
     */
    public static Map<String, Object> resolve(AsyncResolver resolver, String domain, String client,
                                              Duration timeout) throws InterruptedException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("domain", domain);
        out.put("client", client == null || client.isBlank() ? null : client);
        InetAddress address = null;
        if (client != null && !client.isBlank()) {
            Optional<InetAddress> parsed = IpAddress.parse(client.trim()).map(IpAddress::toInetAddress);
            if (parsed.isEmpty()) {
                return failure(out, 400, "client must be an IP address");
            }
            address = parsed.get();
        }
        if (domain == null || domain.isBlank()) {
            return failure(out, 400, "domain is required");
        }
        try {
            Optional<Resolution> r = resolver.resolve(domain, address).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (r.isEmpty()) {
                return failure(out, 503, "no branch is available for " + domain);
            }
            out.putAll(ResolveApi.body(r.get()));
            return out;
        } catch (TimeoutException e) {
            return failure(out, 504, "no resolution within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return e.getCause() instanceof UnknownDomainException
                    ? failure(out, 404, "unknown domain " + domain)
                    : failure(out, 503, "resolution failed: " + e.getCause().getMessage());
        }
    }

    private static Map<String, Object> failure(Map<String, Object> out, int status, String error) {
        out.put("status", status);
        out.put("error", error);
        return out;
    }
}
