package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.core.gslb.SiteReport;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.hierarchy.Hierarchy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * P5 for the exchange listener: unauthenticated peers are refused, and malformed frames get an
 * error frame and a close, never a crash or a stuck connection. After every test the aggregator
 * still accepts a well-behaved branch.
 */
class ExchangeBadInputTest {

    @RegisterExtension
    static final Hierarchy h = new Hierarchy(Duration.ofMillis(50), Duration.ofSeconds(1));
    static GslbNode aggregator;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        aggregator = h.aggregator("agg", null, List.of());
        port = aggregator.exchangeAddress().getPort();
    }

    static ExchangeMessage.Hello hello(String site, String role, String nonce) {
        return new ExchangeMessage.Hello(site, role, ExchangeMessage.VERSION, nonce, null);
    }

    static void assertError(JsonNode frame, String code) {
        assertThat(frame).as("error frame before close").isNotNull();
        assertThat(frame.path("type").asText()).isEqualTo("error");
        assertThat(frame.path("code").asText()).isEqualTo(code);
        assertThat(frame.path("message").asText()).isNotBlank();
    }

    static JsonNode handshake(RawPeer p, String site, String secret) throws Exception {
        String nonce = HmacAuth.newNonce();
        p.send(hello(site, "branch", nonce));
        JsonNode serverHello = p.read();
        assertThat(serverHello.path("type").asText()).isEqualTo("hello");
        assertThat(serverHello.path("site").asText()).isEqualTo("agg");
        assertThat(serverHello.path("v").asInt()).isEqualTo(1);
        String proof = new HmacAuth(secret).proof("dialer", nonce, serverHello.path("nonce").asText(), site, "agg");
        p.send(new ExchangeMessage.Auth(proof));
        return p.read();
    }

    @Test
    void peerWithTheRightSecretIsAcceptedAndTheAggregatorProvesItToo() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            String nonce = HmacAuth.newNonce();
            p.send(hello("raw-ok", "branch", nonce));
            JsonNode serverHello = p.read();
            String serverNonce = serverHello.path("nonce").asText();
            HmacAuth auth = new HmacAuth(Hierarchy.SECRET);
            p.send(new ExchangeMessage.Auth(auth.proof("dialer", nonce, serverNonce, "raw-ok", "agg")));
            JsonNode serverAuth = p.read();
            assertThat(serverAuth.path("type").asText()).isEqualTo("auth");
            assertThat(auth.verify(serverAuth.path("proof").asText(), "acceptor", serverNonce, nonce, "agg", "raw-ok"))
                    .isTrue();
            p.send(new ExchangeMessage.Report(new SiteReport("raw-ok", null, 1, 1, 0, List.of())));
            await().atMost(Duration.ofSeconds(5)).until(() -> aggregator.table().site("raw-ok").isPresent());
            assertThat(aggregator.table().site("raw-ok").orElseThrow().report().aggregator()).isEqualTo("agg");
        }
    }

    @Test
    void peerWithAWrongSecretIsRefused() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            JsonNode answer = handshake(p, "raw-wrong", "not-the-secret");
            assertError(answer, "auth-failed");
            assertThat(p.readUntilClosed()).isNull();
        }
        assertThat(aggregator.aggregator().connectedBranches()).doesNotContain("raw-wrong");
    }

    @Test
    void branchNodeWithAWrongSecretNeverReports() throws Exception {
        Hierarchy.BranchUnderTest intruder = h.branch("intruder", Hierarchy.addressOf(aggregator), "wrong",
                Duration.ofMillis(50));
        Hierarchy.BranchUnderTest good = h.branch("good", Hierarchy.addressOf(aggregator));
        await().atMost(Duration.ofSeconds(10)).until(() -> aggregator.table().site("good").isPresent());
        assertThat(aggregator.table().site("intruder")).isEmpty();
        assertThat(intruder.node().branch().connected()).isFalse();
        h.kill(intruder.node());
        h.kill(good.node());
    }

    @Test
    void reportBeforeAuthenticationIsRefused() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            p.send(new ExchangeMessage.Report(new SiteReport("sneaky", null, 1, 1, 0, List.of())));
            assertError(p.readUntilClosed(), "unexpected");
        }
        try (RawPeer p = new RawPeer(port)) {
            p.send(hello("sneaky", "branch", HmacAuth.newNonce()));
            p.read();
            p.send(new ExchangeMessage.Report(new SiteReport("sneaky", null, 1, 1, 0, List.of())));
            assertError(p.readUntilClosed(), "unexpected");
        }
        assertThat(aggregator.table().site("sneaky")).isEmpty();
    }

    @Test
    void branchMayNotReportForAnotherSite() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            assertThat(handshake(p, "honest", Hierarchy.SECRET).path("type").asText()).isEqualTo("auth");
            p.send(new ExchangeMessage.Report(new SiteReport("someone-else", null, 1, 1, 0, List.of())));
            assertError(p.readUntilClosed(), "refused");
        }
        assertThat(aggregator.table().site("someone-else")).isEmpty();
    }

    @Test
    void oversizedLengthIsRefused() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            p.sendRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
            assertError(p.readUntilClosed(), "frame-too-large");
        }
        try (RawPeer p = new RawPeer(port)) {
            p.sendRaw(ByteBuffer.allocate(4).putInt(ExchangeSettings.MAX_FRAME_BYTES + 1).array());
            assertError(p.readUntilClosed(), "frame-too-large");
        }
    }

    @Test
    void negativeLengthIsRefused() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            p.sendRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 1, 2, 3});
            JsonNode last = p.readUntilClosed();
            assertThat(last == null || "error".equals(last.path("type").asText())).isTrue();
        }
    }

    @Test
    void truncatedFrameIsClosedAfterTheHandshakeTimeout() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            p.sendRaw(new byte[] {0, 0, 0, 100, '{', '"', 'v'});
            assertError(p.readUntilClosed(), "handshake-timeout");
        }
    }

    @Test
    void authenticatedPeerThatStallsMidFrameIsClosedByTheReadIdleRule() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            assertThat(handshake(p, "staller", Hierarchy.SECRET).path("type").asText()).isEqualTo("auth");
            p.sendRaw(new byte[] {0, 0, 1, 0, '{'});
            JsonNode last = p.readUntilClosed();
            assertError(last, "idle-timeout");
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !aggregator.aggregator().connectedBranches().contains("staller"));
    }

    @Test
    void garbageJsonIsRefused() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            p.sendJson("{this is not json");
            assertError(p.readUntilClosed(), "bad-frame");
        }
        try (RawPeer p = new RawPeer(port)) {
            p.sendJson("[1,2,3]");
            assertError(p.readUntilClosed(), "bad-frame");
        }
        try (RawPeer p = new RawPeer(port)) {
            p.sendJson("{\"v\":1,\"type\":\"hello\",\"site\":\"x\"}");
            assertError(p.readUntilClosed(), "bad-frame");
        }
    }

    @Test
    void unknownTypeAndVersionAreRefused() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            p.sendJson("{\"v\":1,\"type\":\"launch-missiles\"}");
            assertError(p.readUntilClosed(), "bad-frame");
        }
        try (RawPeer p = new RawPeer(port)) {
            p.sendJson("{\"v\":2,\"type\":\"hello\"}");
            assertError(p.readUntilClosed(), "unsupported-version");
        }
        try (RawPeer p = new RawPeer(port)) {
            p.sendJson("{\"type\":\"hello\"}");
            assertError(p.readUntilClosed(), "bad-frame");
        }
    }

    @Test
    void randomGarbageNeverCrashesTheListener() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 10; i++) {
            try (RawPeer p = new RawPeer(port)) {
                byte[] junk = new byte[1 + random.nextInt(64)];
                random.nextBytes(junk);
                // mostly complete frames of junk; twice raw junk, whose length prefix may promise more
                if (i % 5 != 0) {
                    junk = ByteBuffer.allocate(4 + junk.length).putInt(junk.length).put(junk).array();
                }
                p.sendRaw(junk);
                JsonNode last = p.readUntilClosed();
                assertThat(last == null || "error".equals(last.path("type").asText())).isTrue();
            }
        }
        peerWithTheRightSecretIsAcceptedAndTheAggregatorProvesItToo();
    }

    @Test
    void aBranchCannotClaimTheAggregatorsOwnName() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            p.send(hello("agg", "branch", HmacAuth.newNonce()));
            assertError(p.readUntilClosed(), "refused");
        }
        try (RawPeer p = new RawPeer(port)) {
            p.sendJson("{\"v\":1,\"type\":\"hello\",\"site\":\"x\",\"role\":\"emperor\",\"version\":1,\"nonce\":\""
                    + HmacAuth.newNonce() + "\"}");
            assertError(p.readUntilClosed(), "bad-frame");
        }
        assertThat(new String(FrameCodec.encode(new ExchangeMessage.Heartbeat()), StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":1,\"type\":\"heartbeat\"}");
    }
}
