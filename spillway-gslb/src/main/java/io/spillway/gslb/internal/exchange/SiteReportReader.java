package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.spillway.core.gslb.DomainLoad;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.ResourceUse;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.HostPort;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.spillway.gslb.internal.exchange.WriterShape.bool;
import static io.spillway.gslb.internal.exchange.WriterShape.doubleValue;
import static io.spillway.gslb.internal.exchange.WriterShape.end;
import static io.spillway.gslb.internal.exchange.WriterShape.expect;
import static io.spillway.gslb.internal.exchange.WriterShape.intValue;
import static io.spillway.gslb.internal.exchange.WriterShape.longValue;
import static io.spillway.gslb.internal.exchange.WriterShape.skip;
import static io.spillway.gslb.internal.exchange.WriterShape.text;

/**
 * Reads one site report — its domains, their load figures, the branch's resource use — from a
 * streaming parser, in the shape this project's writer produces (see {@link ReportFrameReader}
 * for the rule, {@link WriterShape} for the field readers). The part of a frame that is read by
 * the thousand: every report and every entry of a delta or snapshot.
 */
final class SiteReportReader {

    /** Returned for a report the receiver already holds (see {@link ReportFrameReader.Known}); never stored. */
    static final SiteReport HELD = new SiteReport("", "", 0, 0, 0, List.of());

    private SiteReportReader() {
    }

    /**
     * A site report object (the next value), or null for JSON null, or {@link #HELD} when
     * {@code known} already holds a report of the site at least as new: then the rest of the
     * object is skipped unread.
     *
     * @param known null to read every report (a branch's own report)
     */
    static SiteReport siteReport(JsonParser p, ReportFrameReader.Known known) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        String site = null;
        String aggregator = null;
        long epoch = 0;
        long sequence = 0;
        long generated = 0;
        List<DomainReport> domains = null;
        ResourceUse resources = null;
        int seen = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            switch (field) {
                case "site" -> site = text(p);
                case "aggregator" -> aggregator = text(p);
                case "epoch" -> {
                    epoch = longValue(p);
                    seen |= 1;
                }
                case "sequence" -> {
                    sequence = longValue(p);
                    seen |= 2;
                    if (known != null && site != null && (seen & 1) != 0 && known.holds(site, epoch, sequence)) {
                        while (p.nextFieldName() != null) {
                            skip(p);
                        }
                        end(p);
                        return HELD;
                    }
                }
                case "generatedAtMillis" -> {
                    generated = longValue(p);
                    seen |= 4;
                }
                case "domains" -> domains = domains(p);
                case "resources" -> resources = resources(p);
                default -> skip(p);
            }
        }
        end(p, seen, 7);
        return new SiteReport(site, aggregator, epoch, sequence, generated, domains, resources);
    }

    private static List<DomainReport> domains(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_ARRAY);
        List<DomainReport> out = new ArrayList<>(2);
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(t, JsonToken.START_OBJECT);
            out.add(domain(p));
        }
        return out;
    }

    private static DomainReport domain(JsonParser p) throws IOException {
        String domain = null;
        String vserver = null;
        HostPort address = null;
        boolean up = false;
        int capacity = 0;
        int available = 0;
        int active = 0;
        long outstanding = 0;
        long served = 0;
        double average = 0;
        double recent = 0;
        long errors = 0;
        long bandwidth = 0;
        int services = 0;
        int weights = 0;
        DomainLoad load = null;
        int seen = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            switch (field) {
                case "domain" -> domain = text(p);
                case "vserver" -> vserver = text(p);
                case "address" -> address = hostPort(p);
                case "up" -> {
                    up = bool(p);
                    seen |= 1;
                }
                case "capacity" -> {
                    capacity = intValue(p);
                    seen |= 1 << 1;
                }
                case "availableCapacity" -> {
                    available = intValue(p);
                    seen |= 1 << 2;
                }
                case "activeConnections" -> {
                    active = intValue(p);
                    seen |= 1 << 3;
                }
                case "requestsOutstanding" -> {
                    outstanding = longValue(p);
                    seen |= 1 << 4;
                }
                case "requestsServed" -> {
                    served = longValue(p);
                    seen |= 1 << 5;
                }
                case "averageResponseTimeMs" -> {
                    average = doubleValue(p);
                    seen |= 1 << 6;
                }
                case "recentResponseTimeMs" -> {
                    recent = doubleValue(p);
                    seen |= 1 << 7;
                }
                case "errors" -> {
                    errors = longValue(p);
                    seen |= 1 << 8;
                }
                case "bandwidthBytesPerSecond" -> {
                    bandwidth = longValue(p);
                    seen |= 1 << 9;
                }
                case "availableServices" -> {
                    services = intValue(p);
                    seen |= 1 << 10;
                }
                case "serviceWeightSum" -> {
                    weights = intValue(p);
                    seen |= 1 << 11;
                }
                case "load" -> load = load(p);
                default -> skip(p);
            }
        }
        end(p, seen, (1 << 12) - 1);
        return new DomainReport(domain, vserver, address, up, capacity, available, active, outstanding, served,
                average, recent, errors, bandwidth, services, weights, load);
    }

    private static DomainLoad load(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        long interval = 0;
        long requests = 0;
        long errors = 0;
        long clients = 0;
        long in = 0;
        long out = 0;
        int clientConnections = 0;
        int serverConnections = 0;
        int tunnels = 0;
        long sessions = 0;
        double[] history = null;
        int seen = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            switch (field) {
                case "intervalMillis" -> {
                    interval = longValue(p);
                    seen |= 1;
                }
                case "requests" -> {
                    requests = longValue(p);
                    seen |= 1 << 1;
                }
                case "errors" -> {
                    errors = longValue(p);
                    seen |= 1 << 2;
                }
                case "clientsServed" -> {
                    clients = longValue(p);
                    seen |= 1 << 3;
                }
                case "bandwidthInBytesPerSecond" -> {
                    in = longValue(p);
                    seen |= 1 << 4;
                }
                case "bandwidthOutBytesPerSecond" -> {
                    out = longValue(p);
                    seen |= 1 << 5;
                }
                case "clientConnections" -> {
                    clientConnections = intValue(p);
                    seen |= 1 << 6;
                }
                case "serverConnections" -> {
                    serverConnections = intValue(p);
                    seen |= 1 << 7;
                }
                case "tunnels" -> {
                    tunnels = intValue(p);
                    seen |= 1 << 8;
                }
                case "sessions" -> {
                    sessions = longValue(p);
                    seen |= 1 << 9;
                }
                case "responseTimeHistoryMs" -> history = doubles(p);
                default -> skip(p);
            }
        }
        end(p, seen, (1 << 10) - 1);
        return new DomainLoad(interval, requests, errors, clients, in, out, clientConnections, serverConnections,
                tunnels, sessions, history);
    }

    private static ResourceUse resources(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        double cpu = 0;
        long heap = 0;
        long descriptors = 0;
        int seen = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            switch (field) {
                case "cpuPercent" -> {
                    cpu = doubleValue(p);
                    seen |= 1;
                }
                case "heapUsedBytes" -> {
                    heap = longValue(p);
                    seen |= 2;
                }
                case "openFileDescriptors" -> {
                    descriptors = longValue(p);
                    seen |= 4;
                }
                default -> skip(p);
            }
        }
        end(p, seen, 7);
        return new ResourceUse(cpu, heap, descriptors);
    }

    /** An array of numbers (null: none); at most {@link DomainLoad#HISTORY} of them, else the general path judges. */
    private static double[] doubles(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_ARRAY);
        double[] buffer = new double[DomainLoad.HISTORY];
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT) {
                expect(t, JsonToken.VALUE_NUMBER_INT);
            }
            if (n == buffer.length) {
                throw new WriterShape.NotWriterShape();
            }
            buffer[n++] = p.getDoubleValue();
        }
        return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
    }

    private static HostPort hostPort(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_OBJECT);
        String host = null;
        int port = 0;
        int seen = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            switch (field) {
                case "host" -> host = text(p);
                case "port" -> {
                    port = intValue(p);
                    seen |= 1;
                }
                default -> skip(p);
            }
        }
        end(p, seen, 1);
        return new HostPort(host, port);
    }
}
