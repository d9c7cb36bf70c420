package io.spillway.app.log;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.spillway.core.log.AccessRecord;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes an {@link AccessRecord} as one line of JSON, the fields in the order of CONTRACT.md:
 *
 * <pre>{"time":"2026-03-01T12:00:00.125Z","client":"10.0.0.7","clientPort":51234,"vserver":"shop",
 * "service":"web-1","protocol":"http","method":"GET","path":"/cart","status":200,"bytesIn":312,
 * "bytesOut":5120,"durationMs":4,"spilled":false,"persisted":false,"action":"served"}</pre>
 *
 * Absent values ({@code service} of a drop, {@code method}, {@code path} and {@code status} of a
 * TCP connection) are {@code null}. One instance per writer thread: it reuses its buffer.
 */
final class AccessRecordJson {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private final JsonFactory factory = new JsonFactory();
    private final Buffer buffer = new Buffer();

    /** The record's line, newline included, in a buffer valid until the next call. */
    Buffer encode(AccessRecord r) throws IOException {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("time", TIME.format(Instant.ofEpochMilli(r.startMillis())));
            InetSocketAddress client = r.client();
            if (client == null) {
                g.writeNullField("client");
                g.writeNullField("clientPort");
            } else {
                g.writeStringField("client", client.getAddress() == null ? client.getHostString()
                        : client.getAddress().getHostAddress());
                g.writeNumberField("clientPort", client.getPort());
            }
            g.writeStringField("vserver", r.vserver());
            g.writeStringField("service", r.service());
            g.writeStringField("protocol", r.protocol());
            g.writeStringField("method", r.method());
            g.writeStringField("path", r.path());
            if (r.status() > 0) {
                g.writeNumberField("status", r.status());
            } else {
                g.writeNullField("status");
            }
            g.writeNumberField("bytesIn", r.bytesIn());
            g.writeNumberField("bytesOut", r.bytesOut());
            g.writeNumberField("durationMs", r.durationMs());
            g.writeBooleanField("spilled", r.spilled());
            g.writeBooleanField("persisted", r.persisted());
            g.writeStringField("action", r.action() == null ? null : r.action().label());
            g.writeEndObject();
        }
        buffer.write('\n');
        return buffer;
    }

    /** A byte buffer whose array the file writes from directly. */
    static final class Buffer extends ByteArrayOutputStream {

        Buffer() {
            super(512);
        }

        byte[] array() {
            return buf;
        }

        int length() {
            return count;
        }
    }
}
