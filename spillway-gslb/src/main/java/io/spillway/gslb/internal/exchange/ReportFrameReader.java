package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.spillway.core.gslb.DomainLoad;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.ResourceUse;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.HostPort;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the frames an aggregator receives by the thousand — {@code report}, {@code delta},
 * {@code snapshot} — straight from the frame's bytes with Jackson's streaming parser: one pass,
 * no tree, no buffering of tokens to find the type, no reflection. Every branch sends a report
 * every interval, so this is the per-report decoding cost of an aggregator (issue 13: 1,000
 * branches at 100 ms are 10,000 frames a second).
 *
 * <p>It reads only the shape this project's writer produces ({@link FrameCodec#encode}: {@code v}
 * first, then {@code type}, then the message's fields, each of its JSON type). Whatever else it
 * meets — another message type, a field of an unexpected JSON type, a number out of range, a value
 * a record refuses — it gives up and returns null, and the codec decodes the frame the general
 * way (data binding), which accepts or refuses it exactly as before. So this reader changes how
 * fast the common frames are read, never which frames are accepted or what they mean: unknown
 * fields are skipped, a missing string, list or object is null, a missing or null number or
 * boolean is refused (by the general path, as before), the last of two equal fields wins.
 */
final class ReportFrameReader {

    private ReportFrameReader() {
    }

    /** The message, or null when the frame is not one this reader takes in the writer's shape. */
    static ExchangeMessage read(JsonFactory factory, ByteBuf frame) {
        try (JsonParser p = parser(factory, frame)) {
            if (p.nextToken() != JsonToken.START_OBJECT || !"v".equals(p.nextFieldName())
                    || p.nextToken() != JsonToken.VALUE_NUMBER_INT || p.getIntValue() != ExchangeMessage.VERSION
                    || !"type".equals(p.nextFieldName())) {
                return null;
            }
            String type = p.nextTextValue();
            if (type == null) {
                return null;
            }
            return switch (type) {
                case "report" -> report(p);
                case "delta" -> delta(p);
                case "snapshot" -> snapshot(p);
                default -> null;
            };
        } catch (IOException | RuntimeException e) {
            // not the writer's shape, or not acceptable: the general path decides and explains
            return null;
        }
    }

    private static JsonParser parser(JsonFactory factory, ByteBuf frame) throws IOException {
        if (frame.hasArray()) {
            return factory.createParser(frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes());
        }
        return factory.createParser((java.io.InputStream) new ByteBufInputStream(frame.duplicate()));
    }

    private static ExchangeMessage.Report report(JsonParser p) throws IOException {
        SiteReport report = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            if (field.equals("report")) {
                report = siteReport(p);
            } else {
                skip(p);
            }
        }
        end(p);
        return new ExchangeMessage.Report(report);
    }

    private static ExchangeMessage.Delta delta(JsonParser p) throws IOException {
        List<ExchangeMessage.WireEntry> entries = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            if (field.equals("entries")) {
                entries = entries(p);
            } else {
                skip(p);
            }
        }
        end(p);
        return new ExchangeMessage.Delta(entries);
    }

    private static ExchangeMessage.Snapshot snapshot(JsonParser p) throws IOException {
        List<ExchangeMessage.WireEntry> entries = null;
        boolean complete = false;
        int seen = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            switch (field) {
                case "entries" -> entries = entries(p);
                case "complete" -> {
                    complete = bool(p);
                    seen |= 1;
                }
                default -> skip(p);
            }
        }
        end(p, seen, 1);
        return new ExchangeMessage.Snapshot(entries, complete);
    }

    private static List<ExchangeMessage.WireEntry> entries(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.START_ARRAY);
        List<ExchangeMessage.WireEntry> out = new ArrayList<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            expect(t, JsonToken.START_OBJECT);
            out.add(wireEntry(p));
        }
        return out;
    }

    private static ExchangeMessage.WireEntry wireEntry(JsonParser p) throws IOException {
        SiteReport report = null;
        long age = 0;
        boolean recovered = false;
        int seen = 0;
        String field;
        while ((field = p.nextFieldName()) != null) {
            switch (field) {
                case "report" -> report = siteReport(p);
                case "ageMillis" -> {
                    age = longValue(p);
                    seen |= 1;
                }
                case "recovered" -> {
                    recovered = bool(p);
                    seen |= 2;
                }
                default -> skip(p);
            }
        }
        end(p, seen, 3);
        return new ExchangeMessage.WireEntry(report, age, recovered);
    }

    private static SiteReport siteReport(JsonParser p) throws IOException {
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
                throw new NotWriterShape();
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

    private static String text(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t, JsonToken.VALUE_STRING);
        return p.getText();
    }

    private static int intValue(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getIntValue();
    }

    private static long longValue(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT);
        return p.getLongValue();
    }

    private static double doubleValue(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_NUMBER_FLOAT) {
            expect(t, JsonToken.VALUE_NUMBER_INT);
        }
        return p.getDoubleValue();
    }

    private static boolean bool(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.VALUE_TRUE) {
            return true;
        }
        expect(t, JsonToken.VALUE_FALSE);
        return false;
    }

    private static void skip(JsonParser p) throws IOException {
        p.nextToken();
        p.skipChildren();
    }

    /** After the last field: the object must have ended there (not at the end of the input). */
    private static void end(JsonParser p) {
        expect(p.currentToken(), JsonToken.END_OBJECT);
    }

    /**
     * As {@link #end(JsonParser)}, and every primitive field was there: data binding refuses a
     * missing one (FAIL_ON_NULL_FOR_PRIMITIVES), so the general path must judge such a frame.
     */
    private static void end(JsonParser p, int seen, int all) {
        end(p);
        if (seen != all) {
            throw new NotWriterShape();
        }
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new NotWriterShape();
        }
    }

    /** The frame is not in the writer's shape: the general path takes it. */
    private static final class NotWriterShape extends RuntimeException {
        NotWriterShape() {
            super(null, null, false, false);
        }
    }
}
