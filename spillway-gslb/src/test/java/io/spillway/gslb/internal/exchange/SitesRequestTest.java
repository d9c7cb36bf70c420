package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.hierarchy.Hierarchy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.spillway.gslb.internal.exchange.ExchangeBadInputTest.assertError;
import static io.spillway.gslb.internal.exchange.ExchangeBadInputTest.handshake;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The {@code sites} request and its answer on the wire (D1, D2), and their limits. */
class SitesRequestTest {

    @RegisterExtension
    static final Hierarchy h = new Hierarchy(Duration.ofMillis(50), Duration.ofSeconds(5));
    static GslbNode aggregator;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        aggregator = h.aggregator("agg", null, List.of());
        port = aggregator.exchangeAddress().getPort();
        h.branch("known", Hierarchy.addressOf(aggregator));
        await().atMost(Duration.ofSeconds(10)).until(() -> aggregator.table().site("known").isPresent());
    }

    @Test
    void answerCarriesTheKnownSitesWithTheirAgeAndLeavesOutUnknownOnes() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            assertThat(handshake(p, "asker", Hierarchy.SECRET).path("type").asText()).isEqualTo("auth");
            p.send(new ExchangeMessage.SitesRequest(7, List.of("known", "unknown", "known")));
            JsonNode answer = p.read();
            while (!answer.path("type").asText().equals("sites-answer")) {
                answer = p.read();
            }
            assertThat(answer.path("id").asLong()).isEqualTo(7);
            assertThat(answer.path("entries")).hasSize(1);
            JsonNode entry = answer.path("entries").get(0);
            assertThat(entry.path("report").path("site").asText()).isEqualTo("known");
            assertThat(entry.path("ageMillis").asLong()).isBetween(0L, 5000L);
        }
    }

    @Test
    void requestForTooManySitesIsABadFrame() throws Exception {
        StringBuilder sites = new StringBuilder();
        for (int i = 0; i <= ExchangeMessage.MAX_SITES_PER_REQUEST; i++) {
            sites.append(i == 0 ? "" : ",").append("\"s").append(i).append('"');
        }
        try (RawPeer p = new RawPeer(port)) {
            handshake(p, "greedy", Hierarchy.SECRET);
            p.sendJson("{\"v\":1,\"type\":\"sites\",\"id\":1,\"sites\":[" + sites + "]}");
            assertError(p.readUntilClosed(), "bad-frame");
        }
        try (RawPeer p = new RawPeer(port)) {
            handshake(p, "empty", Hierarchy.SECRET);
            p.sendJson("{\"v\":1,\"type\":\"sites\",\"id\":1,\"sites\":[\"\"]}");
            assertError(p.readUntilClosed(), "bad-frame");
        }
    }

    @Test
    void sitesRequestFromAnAggregatorIsUnexpected() throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            String nonce = HmacAuth.newNonce();
            p.send(new ExchangeMessage.Hello("other-agg", "aggregator", ExchangeMessage.VERSION, nonce, null));
            JsonNode serverHello = p.read();
            p.send(new ExchangeMessage.Auth(new HmacAuth(Hierarchy.SECRET).proof("dialer", nonce,
                    serverHello.path("nonce").asText(), "other-agg", "agg")));
            p.read();
            p.send(new ExchangeMessage.SitesRequest(1, List.of("known")));
            assertError(p.readUntilClosed(), "unexpected");
        }
    }

    @Test
    void messagesRejectEmptyAndOversizedSiteLists() {
        assertThatThrownBy(() -> new ExchangeMessage.SitesRequest(1, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        List<String> many = new ArrayList<>();
        for (int i = 0; i <= ExchangeMessage.MAX_SITES_PER_REQUEST; i++) {
            many.add("s" + i);
        }
        assertThatThrownBy(() -> new ExchangeMessage.SitesRequest(1, many))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
