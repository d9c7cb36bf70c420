package io.spillway.app.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.core.log.AccessAction;
import io.spillway.core.log.AccessLog;
import io.spillway.core.log.AccessRecord;
import io.spillway.core.model.LoggingConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** The access log's writer over real files: JSON lines, rotation, reopening, and a queue that never blocks. */
class AccessLogWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = Instant.parse("2026-03-01T12:00:00.125Z").toEpochMilli();

    @TempDir
    Path dir;

    private static AccessRecord http(int n) {
        return new AccessRecord(T0 + n, new InetSocketAddress("10.0.0.7", 51234), "shop", "web-1", "http", "GET",
                "/cart/" + n, 200, 312, 5120, 4, false, false, AccessAction.SERVED);
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void writesOneJsonObjectPerLineWithEveryField() throws Exception {
        Path file = dir.resolve("logs/access.log");
        try (AccessLogWriter writer = new AccessLogWriter(1024)) {
            writer.configure(new LoggingConfig.Access(file.toString(), 1 << 20, 2));
            assertThat(writer.enabled()).isTrue();
            writer.log(new AccessRecord(T0, new InetSocketAddress("10.0.0.7", 51234), "shop-overflow", "spare-1",
                    "https", "POST", "/cart?id=\"7\"", 201, 1_024, 77, 35, true, true, AccessAction.SERVED));
            writer.log(new AccessRecord(T0 + 1000, new InetSocketAddress("::1", 40000), "db", "pg-1", "tcp", null,
                    null, 0, 9_000, 120_000, 61_000, false, false, AccessAction.SERVED));
            writer.log(new AccessRecord(T0 + 2000, new InetSocketAddress("10.0.0.8", 1), "shop", null, "http", "GET",
                    "/", 302, 80, 120, 0, false, false, AccessAction.REDIRECT));
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 3);
        }
        List<JsonNode> lines = lines(file);
        assertThat(lines).hasSize(3);

        JsonNode http = lines.get(0);
        assertThat(iterable(http.fieldNames())).containsExactly("time", "client", "clientPort", "vserver", "service",
                "protocol", "method", "path", "status", "bytesIn", "bytesOut", "durationMs", "spilled", "persisted",
                "action");
        assertThat(http.get("time").asText()).isEqualTo("2026-03-01T12:00:00.125Z");
        assertThat(http.get("client").asText()).isEqualTo("10.0.0.7");
        assertThat(http.get("clientPort").asInt()).isEqualTo(51234);
        assertThat(http.get("vserver").asText()).isEqualTo("shop-overflow");
        assertThat(http.get("service").asText()).isEqualTo("spare-1");
        assertThat(http.get("protocol").asText()).isEqualTo("https");
        assertThat(http.get("method").asText()).isEqualTo("POST");
        assertThat(http.get("path").asText()).isEqualTo("/cart?id=\"7\"");
        assertThat(http.get("status").asInt()).isEqualTo(201);
        assertThat(http.get("bytesIn").asLong()).isEqualTo(1_024);
        assertThat(http.get("bytesOut").asLong()).isEqualTo(77);
        assertThat(http.get("durationMs").asLong()).isEqualTo(35);
        assertThat(http.get("spilled").asBoolean()).isTrue();
        assertThat(http.get("persisted").asBoolean()).isTrue();
        assertThat(http.get("action").asText()).isEqualTo("served");

        JsonNode tcp = lines.get(1);
        assertThat(tcp.get("time").asText()).isEqualTo("2026-03-01T12:00:01.125Z");
        assertThat(tcp.get("client").asText()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(tcp.get("method").isNull()).isTrue();
        assertThat(tcp.get("path").isNull()).isTrue();
        assertThat(tcp.get("status").isNull()).isTrue();
        assertThat(tcp.get("bytesOut").asLong()).isEqualTo(120_000);
        assertThat(tcp.get("durationMs").asLong()).isEqualTo(61_000);

        JsonNode redirect = lines.get(2);
        assertThat(redirect.get("service").isNull()).isTrue();
        assertThat(redirect.get("action").asText()).isEqualTo("redirect");
    }

    @Test
    void rotatesBeforeALineWouldPassMaxSizeAndKeepsKeepOldFiles() throws Exception {
        Path file = dir.resolve("access.log");
        int records = 200;
        try (AccessLogWriter writer = new AccessLogWriter(1024)) {
            writer.configure(new LoggingConfig.Access(file.toString(), 4096, 2));
            for (int i = 0; i < records; i++) {
                writer.log(http(i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == records);
        }
        Path first = dir.resolve("access.log.1");
        Path second = dir.resolve("access.log.2");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder("access.log", "access.log.1", "access.log.2");
        for (Path p : List.of(file, first, second)) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(4096);
        }
        assertThat(Files.size(first)).isGreaterThan(4096 - 300);
        // the newest records, in order, across the kept files; the oldest went with access.log.3
        List<JsonNode> kept = new ArrayList<>(lines(second));
        kept.addAll(lines(first));
        kept.addAll(lines(file));
        List<String> paths = kept.stream().map(n -> n.get("path").asText()).toList();
        int firstKept = records - paths.size();
        assertThat(firstKept).isPositive();
        for (int i = 0; i < paths.size(); i++) {
            assertThat(paths.get(i)).isEqualTo("/cart/" + (firstKept + i));
        }
    }

    @Test
    void keepZeroStartsTheFullFileAgain() throws Exception {
        Path file = dir.resolve("access.log");
        try (AccessLogWriter writer = new AccessLogWriter(1024)) {
            writer.configure(new LoggingConfig.Access(file.toString(), 4096, 0));
            for (int i = 0; i < 100; i++) {
                writer.log(http(i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 100);
        }
        assertThat(Files.list(dir)).containsExactly(file);
        List<JsonNode> lines = lines(file);
        assertThat(Files.size(file)).isLessThanOrEqualTo(4096);
        assertThat(lines.get(lines.size() - 1).get("path").asText()).isEqualTo("/cart/99");
    }

    @Test
    void goesOnFromTheSizeOfAFileThatAlreadyExists() throws Exception {
        Path file = dir.resolve("access.log");
        Files.writeString(file, "x".repeat(4000) + "\n");
        try (AccessLogWriter writer = new AccessLogWriter(1024)) {
            writer.configure(new LoggingConfig.Access(file.toString(), 4096, 1));
            writer.log(http(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 1);
        }
        assertThat(Files.readString(dir.resolve("access.log.1"))).startsWith("xxxx");
        assertThat(lines(file)).hasSize(1);
    }

    @Test
    void aNewPathIsOpenedAtOnceAndTurningTheLogOffStopsWriting() throws Exception {
        Path before = dir.resolve("before.log");
        Path after = dir.resolve("after/access.log");
        try (AccessLogWriter writer = new AccessLogWriter(1024)) {
            writer.configure(new LoggingConfig.Access(before.toString(), 1 << 20, 1));
            writer.log(http(1));
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 1);

            writer.configure(new LoggingConfig.Access(after.toString(), 1 << 20, 1));
            writer.log(http(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 2);

            writer.configure(null);
            assertThat(writer.enabled()).isFalse();
            writer.log(http(3));
            assertThat(writer.written()).isEqualTo(2);
            assertThat(writer.dropped()).isZero();
        }
        assertThat(lines(before)).extracting(n -> n.get("path").asText()).containsExactly("/cart/1");
        assertThat(lines(after)).extracting(n -> n.get("path").asText()).containsExactly("/cart/2");
    }

    /**
     * A FIFO without a reader blocks whoever opens it for writing: the writer thread is stuck as
     * on a dead disk. The caller must still return at once, every record beyond the queue's
     * capacity dropped and counted; once a reader appears, the queued records come out in order.
     */
    @Test
    void aStuckWriterNeverBlocksTheCallerAndRecordsBeyondTheQueueAreDroppedAndCounted() throws Exception {
        Path fifo = dir.resolve("access.fifo");
        assumeThat(mkfifo(fifo)).as("mkfifo available").isTrue();
        int capacity = 64;
        int offered = 10_000;
        try (AccessLogWriter writer = new AccessLogWriter(capacity)) {
            writer.configure(new LoggingConfig.Access(fifo.toString(), 1 << 20, 1));
            long start = System.nanoTime();
            for (int i = 0; i < offered; i++) {
                writer.log(http(i));
            }
            long elapsed = System.nanoTime() - start;
            assertThat(elapsed).as("10,000 calls with the writer stuck").isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(writer.dropped()).isEqualTo(offered - capacity);
            assertThat(writer.written()).isZero();

            try (BufferedReader reader = Files.newBufferedReader(fifo, StandardCharsets.UTF_8)) {
                for (int i = 0; i < capacity; i++) {
                    String line = reader.readLine();
                    assertThat(line).as("line %d", i).isNotNull();
                    assertThat(JSON.readTree(line).get("path").asText()).isEqualTo("/cart/" + i);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == capacity);
            }
        }
    }

    @Test
    void noneCostsNothingAndIsNeverEnabled() {
        assertThat(AccessLog.NONE.enabled()).isFalse();
        AccessLog.NONE.log(http(1)); // nothing to observe but that it returns
        try (AccessLogWriter writer = new AccessLogWriter(16)) {
            assertThat(writer.enabled()).isFalse();
            writer.log(http(1));
            assertThat(writer.dropped()).isZero();
        }
    }

    private static boolean mkfifo(Path path) throws Exception {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static <T> List<T> iterable(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
