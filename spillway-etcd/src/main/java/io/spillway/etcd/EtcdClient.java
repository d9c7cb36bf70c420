package io.spillway.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The few etcd v3 calls Spillway needs (the cluster's shares, the GSLB master's election and
 * state), through etcd's JSON gateway ({@code /v3/...}) over the JDK's {@link HttpClient}: keys and
 * values are base64, 64-bit numbers are strings. The one etcd client of the appliance.
 *
 * <p><b>Why not jetcd.</b> jetcd talks gRPC, which brings grpc-java (or Vert.x) built on Netty
 * 4.1 into a fat jar whose data plane runs on Netty 4.2; the gateway needs nothing beyond the JDK
 * and Jackson, which the appliance already carries, and is served by every etcd since 3.4.
 *
 * <p>Calls are blocking and made on their user's own thread, never on an event loop. Each has a
 * timeout; the endpoints are tried in order, starting from the last one that answered, so one
 * etcd member down costs one timeout at most per call.
 */
public final class EtcdClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<URI> endpoints;
    private final Duration timeout;
    private final HttpClient http;
    private volatile int current;

    public EtcdClient(List<URI> endpoints, Duration timeout) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no etcd endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The request timeout for a caller that makes its calls every {@code round}: the round, within 200 ms to 1 s. */
    public static Duration timeoutFor(Duration round) {
        return Duration.ofMillis(Math.max(200, Math.min(1000, round.toMillis())));
    }

    /** One key of a range: its value, the revision that last changed it, and its lease (0: none). */
    public record KeyValue(String key, String value, long modRevision, long lease) {
    }

    /** The keys under a prefix as of {@code revision}, the store's revision when they were read. */
    public record Range(long revision, List<KeyValue> kvs) {
    }

    /** The lease a put named no longer exists: it expired or was revoked. */
    public static final class LeaseLostException extends IOException {
        public LeaseLostException(String message) {
            super(message);
        }
    }

    /** Grants a lease of {@code ttlSeconds}; returns its id. */
    public long grantLease(long ttlSeconds) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("TTL", ttlSeconds);
        JsonNode answer = call("/v3/lease/grant", body);
        long id = answer.path("ID").asLong(0);
        if (id == 0) {
            throw new IOException("etcd granted no lease: " + answer);
        }
        return id;
    }

    /** Renews a lease; returns its TTL in seconds, 0 when the lease no longer exists. */
    public long keepAlive(long lease) throws IOException {
        JsonNode answer = call("/v3/lease/keepalive", JSON.createObjectNode().put("ID", Long.toString(lease)));
        return answer.path("result").path("TTL").asLong(0);
    }

    public void revoke(long lease) throws IOException {
        call("/v3/lease/revoke", JSON.createObjectNode().put("ID", Long.toString(lease)));
    }

    /** Every key that starts with {@code prefix}. */
    public Range range(String prefix) throws IOException {
        ObjectNode body = JSON.createObjectNode()
                .put("key", encode(prefix))
                .put("range_end", encode(prefixEnd(prefix)));
        JsonNode answer = call("/v3/kv/range", body);
        List<KeyValue> kvs = new ArrayList<>();
        for (JsonNode kv : answer.path("kvs")) {
            kvs.add(keyValue(kv));
        }
        return new Range(answer.path("header").path("revision").asLong(), kvs);
    }

    /**
     * Puts {@code key} (attached to {@code lease}) only if no key under {@code prefix} was created
     * or changed after {@code revision}: one transaction, so two writers that read the same
     * revision cannot both succeed.
     *
     * @return whether the put was made
     */
    public boolean putIfUnchangedSince(String prefix, long revision, String key, String value, long lease)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode compare = body.putArray("compare");
        compare.addObject()
                .put("target", "MOD")
                .put("key", encode(prefix))
                .put("range_end", encode(prefixEnd(prefix)))
                .put("result", "LESS")
                .put("mod_revision", Long.toString(revision + 1));
        body.putArray("success").addObject().set("request_put", putRequest(key, value, lease));
        body.putArray("failure");
        return call("/v3/kv/txn", body).path("succeeded").asBoolean(false);
    }

    public void put(String key, String value, long lease) throws IOException {
        call("/v3/kv/put", putRequest(key, value, lease));
    }

    public void delete(String key) throws IOException {
        call("/v3/kv/deleterange", JSON.createObjectNode().put("key", encode(key)));
    }

    /** The key's value and revision, if it exists. */
    public Optional<KeyValue> get(String key) throws IOException {
        JsonNode answer = call("/v3/kv/range", JSON.createObjectNode().put("key", encode(key)));
        for (JsonNode kv : answer.path("kvs")) {
            return Optional.of(keyValue(kv));
        }
        return Optional.empty();
    }

    /**
     * Puts {@code key} (attached to {@code lease}) only if it does not exist: one transaction, so of
     * several callers exactly one succeeds (an election's campaign).
     *
     * @return whether the key was created
     */
    public boolean createIfAbsent(String key, String value, long lease) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("compare").addObject()
                .put("target", "CREATE")
                .put("key", encode(key))
                .put("result", "EQUAL")
                .put("create_revision", "0");
        body.putArray("success").addObject().set("request_put", putRequest(key, value, lease));
        body.putArray("failure");
        return call("/v3/kv/txn", body).path("succeeded").asBoolean(false);
    }

    /**
     * Puts and deletes keys (without a lease) in one transaction, only while {@code guardKey} holds
     * {@code guardValue}: a write fenced by an election, which a deposed writer cannot make.
     *
     * @return whether the guard held and the writes were made
     */
    public boolean writeWhile(String guardKey, String guardValue, Map<String, String> puts, List<String> deletes)
            throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("compare").addObject()
                .put("target", "VALUE")
                .put("key", encode(guardKey))
                .put("result", "EQUAL")
                .put("value", encode(guardValue));
        ArrayNode success = body.putArray("success");
        puts.forEach((k, v) -> success.addObject().set("request_put", putRequest(k, v, 0)));
        deletes.forEach(k -> success.addObject().putObject("request_delete_range").put("key", encode(k)));
        body.putArray("failure");
        return call("/v3/kv/txn", body).path("succeeded").asBoolean(false);
    }

    private static ObjectNode putRequest(String key, String value, long lease) {
        return JSON.createObjectNode()
                .put("key", encode(key))
                .put("value", encode(value))
                .put("lease", Long.toString(lease));
    }

    /** Posts to the endpoints in turn until one answers; an answer that is an error is thrown. */
    private JsonNode call(String path, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        IOException last = null;
        for (int tried = 0; tried < endpoints.size(); tried++) {
            int at = (current + tried) % endpoints.size();
            HttpRequest request = HttpRequest.newBuilder(endpoints.get(at).resolve(path))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                last = e;
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            current = at;
            JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() / 100 != 2 || answer.has("error")) {
                String message = answer.path("message").asText(answer.path("error").asText(""));
                if (message.contains("lease not found")) {
                    throw new LeaseLostException(message);
                }
                throw new IOException("etcd " + path + " answered " + response.statusCode() + ": " + message);
            }
            return answer;
        }
        throw last == null ? new IOException("no etcd endpoint answered") : last;
    }

    private static KeyValue keyValue(JsonNode kv) {
        return new KeyValue(decode(kv.path("key").asText()), decode(kv.path("value").asText("")),
                kv.path("mod_revision").asLong(), kv.path("lease").asLong(0));
    }

    /** The smallest key after every key that starts with {@code prefix}. */
    public static String prefixEnd(String prefix) {
        byte[] b = prefix.getBytes(StandardCharsets.UTF_8);
        b[b.length - 1]++;
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
