package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.WriteBufferWaterMark;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http1ServerLeg}, the proxy's keep-alive HTTP/1.1 connection to a service, at the
 * channel level: an HTTP/1.1 client ({@link Http1ClientLeg} on an {@link EmbeddedClient}) and
 * the service each on an {@link EmbeddedPair} of an {@link EmbeddedNetwork}, the test playing
 * both in bytes. The leg writes the forwarded request as it is and hands the response back as
 * it comes (interim heads, chunks and trailers included); a connection whose response allows it
 * goes back to the pool and serves the next request, one that idles there too long or that the
 * service writes to unasked is closed; a service that closes before the response is complete
 * costs the client a 502 or its connection; {@code timeouts.server} gives a 504; the service is
 * not read while the client cannot take more. Every service slot and buffer is given back.
 */
class Http1ServerLegTest {

    private static final int SERVER_TIMEOUT_MILLIS = 1_000;
    private static final int IDLE_TIMEOUT_MILLIS = 10_000;

    private final TrackingAllocator alloc = new TrackingAllocator();
    private final EmbeddedNetwork net = new EmbeddedNetwork(alloc);
    private RuntimeGraph graph;
    private Service web;
    private EmbeddedPair client;

    @BeforeEach
    void connect() throws Exception {
        graph = Configs.create().service("web", 9001, 10)
                .vserver(vs("front", VServerProtocol.HTTP, "web")
                        .timeouts(Duration.ofSeconds(2), Duration.ofMillis(IDLE_TIMEOUT_MILLIS), Duration.ofSeconds(5))
                        .serverTimeout(Duration.ofMillis(SERVER_TIMEOUT_MILLIS)))
                .graph();
        web = graph.service("web");
        client = net.http1Client(graph, "front", new UpstreamPool(null, 4), null);
    }

    @AfterEach
    void everythingGivenBack() {
        net.close(); // and every buffer released
        assertThat(web.activeConnections()).as("service slots held").isZero();
    }

    @Test
    void theRequestGoesAsForwardedAndTheResponseComesBackAsItCameWhileTheSlotIsHeld() {
        EmbeddedPair service = client.peerSendsToNewService(
                "POST /orders HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\n\r\nhello");

        String request = service.peerReceived();
        assertThat(request).startsWith("POST /orders HTTP/1.1\r\nHost: shop\r\nContent-Length: 5\r\n")
                .contains("X-Forwarded-For: 127.0.0.1\r\n").endsWith("\r\n\r\nhello");
        assertThat(web.activeConnections()).as("held while the request is in flight").isEqualTo(1);

        service.peerSends("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");

        assertThat(client.peerReceived()).startsWith("HTTP/1.1 201 Created\r\n").contains("Content-Length: 2\r\n")
                .endsWith("\r\n\r\nok");
        assertThat(web.activeConnections()).as("given back with the response").isZero();
    }

    @Test
    void aConnectionTheResponseLeavesOpenGoesBackToThePoolAndServesTheNextRequest() {
        EmbeddedPair service = client.peerSendsToNewService("GET /a HTTP/1.1\r\nHost: shop\r\n\r\n");
        service.peerReceived();
        service.peerSends("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
        assertThat(client.peerReceived()).endsWith("\r\n\r\na");

        client.peerSends("GET /b HTTP/1.1\r\nHost: shop\r\n\r\n");

        assertThat(net.newServiceConnections()).as("no second connection").isZero();
        assertThat(service.peerReceived()).startsWith("GET /b HTTP/1.1\r\n");
        service.peerSends("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
        assertThat(client.peerReceived()).endsWith("\r\n\r\nb");
        assertThat(service.proxy.isOpen()).isTrue();
    }

    @Test
    void aConnectionTheServiceAsksToCloseIsClosedNotPooled() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        service.peerSends("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx");

        assertThat(client.peerReceived()).endsWith("\r\n\r\nx");
        assertThat(service.proxy.isOpen()).isFalse();

        client.peerSends("GET /next HTTP/1.1\r\nHost: shop\r\n\r\n");
        assertThat(net.nextService().peerReceived()).as("on a new connection").startsWith("GET /next HTTP/1.1\r\n");
    }

    @Test
    void aPooledConnectionTheServiceWritesToUnaskedIsClosedAndForgotten() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        service.peerSends("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(client.peerReceived()).startsWith("HTTP/1.1 204 ");

        service.peerSends("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        assertThat(service.proxy.isOpen()).as("not to be trusted").isFalse();
        client.peerSends("GET /next HTTP/1.1\r\nHost: shop\r\n\r\n");
        assertThat(net.newServiceConnections()).as("the pool forgot it").isEqualTo(1);
        assertThat(client.peerReceived()).as("nothing of the unasked response reached the client").isEmpty();
    }

    @Test
    void aPooledConnectionIsClosedOnceItIdledForTheIdleTimeout() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        service.peerSends("HTTP/1.1 204 No Content\r\n\r\n");

        service.elapse(IDLE_TIMEOUT_MILLIS - 100);
        assertThat(service.proxy.isOpen()).as("not yet").isTrue();

        service.elapse(100);
        assertThat(service.proxy.isOpen()).isFalse();
    }

    @Test
    void interimResponsesGoToTheClientAheadOfTheFinalOne() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");

        service.peerSends("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
        assertThat(client.peerReceived()).startsWith("HTTP/1.1 103 Early Hints\r\n").contains("Link: </style.css>");

        service.peerSends("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(client.peerReceived()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("hi");
    }

    @Test
    void aChunkedResponseGoesAsItsChunksWithItsTrailers() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\nTE: trailers\r\n\r\n");

        service.peerSends("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
        service.peerSends("0\r\nGrpc-Status: 0\r\n\r\n");

        assertThat(client.peerReceived()).startsWith("HTTP/1.1 200 OK\r\n").contains("Transfer-Encoding: chunked\r\n")
                .endsWith("\r\n\r\n5\r\nhello\r\n0\r\nGrpc-Status: 0\r\n\r\n");
        assertThat(service.proxy.isOpen()).as("pooled").isTrue();
    }

    @Test
    void aServiceThatClosesBeforeItsResponseCostsTheClientA502() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");

        service.peerCloses();

        assertThat(client.peerReceived()).startsWith("HTTP/1.1 502 ");
    }

    @Test
    void aServiceThatClosesMidResponseCostsTheClientItsConnection() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        service.peerSends("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhal");
        assertThat(client.peerReceived()).endsWith("\r\n\r\nhal");

        service.peerCloses();

        assertThat(client.proxy.isOpen()).as("the client learns the response broke").isFalse();
        assertThat(client.peerReceived()).isEmpty();
    }

    @Test
    void aServiceSilentForTheServerTimeoutAfterTheBodyWentGives504() {
        EmbeddedPair service = client.peerSendsToNewService("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 2\r\n\r\nhi");
        assertThat(service.peerReceived()).endsWith("hi");

        service.elapse(SERVER_TIMEOUT_MILLIS - 100);
        assertThat(client.peerReceived()).as("not yet").isEmpty();

        service.elapse(100);
        assertThat(client.peerReceived()).startsWith("HTTP/1.1 504 ");
        assertThat(service.proxy.isOpen()).isFalse();
    }

    @Test
    void theServiceIsNotReadWhileTheClientCannotTakeMoreAndIsReadAgainOnceItDid() {
        client.proxy.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        service.peerSends("HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n");

        ByteBuf body = alloc.of("x".repeat(32));
        service.proxy.pipeline().fireChannelRead(body); // a read the client cannot take at once
        assertThat(service.proxy.config().isAutoRead()).as("the service waits for the client").isFalse();

        service.proxy.pipeline().fireChannelReadComplete(); // the batch ends: flushed to the client
        assertThat(client.proxy.isWritable()).isTrue();
        assertThat(service.proxy.config().isAutoRead()).as("read again").isTrue();
        net.settle();
        assertThat(client.peerReceived()).endsWith("x".repeat(32));
    }

    @Test
    void aResponseTheServiceGarblesCostsTheClientA502AndTheConnection() {
        EmbeddedPair service = client.peerSendsToNewService("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");

        service.peerSends("HTTP/1.1 twohundred OK\r\n\r\n");

        assertThat(client.peerReceived()).startsWith("HTTP/1.1 502 ");
        assertThat(service.proxy.isOpen()).isFalse();
    }
}
