package io.spillway.proxy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.testing.TrackingAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http2ServiceConnection}, the HTTP/2 connection to an {@code h2c} service that the
 * requests of one event loop share, at the channel level: two HTTP/1.1 clients on one embedded
 * loop with one {@link UpstreamPool} ({@link EmbeddedClient#http1}), and the service played in
 * frames by an HTTP/2 server codec ({@link EmbeddedNetwork}). Requests share a connection, each
 * on a stream of its own, as long as it takes more streams: not beyond the service's
 * SETTINGS_MAX_CONCURRENT_STREAMS, not after a GOAWAY (while the streams in flight finish).
 * Requests that come before it is up wait on it, and fail with it when its connect fails; a
 * close fails the streams in flight (and the exchange sends an idempotent request that was on
 * a connection used before once more, on a fresh one). A connection with no stream closes
 * after {@code timeouts.idle}; one with a stream does not.
 */
class Http2ServiceConnectionTest {

    private static final int PORT = 9001;
    private static final int IDLE_TIMEOUT_MILLIS = 10_000;

    private final TrackingAllocator alloc = new TrackingAllocator();
    /** What the service announces as SETTINGS_MAX_CONCURRENT_STREAMS on each new connection. */
    private long serviceMaxStreams = 100;
    private final EmbeddedNetwork net = new EmbeddedNetwork(alloc, () -> new EmbeddedChannel(
            Http2FrameCodecBuilder.forServer()
                    .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(serviceMaxStreams)).build()));
    private final RuntimeGraph graph = Configs.create().service("web", PORT, ServiceProtocol.H2C, 10, 1)
            .vserver(vs("front", VServerProtocol.HTTP, "web")
                    .timeouts(Duration.ofSeconds(2), Duration.ofMillis(IDLE_TIMEOUT_MILLIS), Duration.ofSeconds(5)))
            .graph();
    private final Service web = graph.service("web");
    private final UpstreamPool pool = new UpstreamPool(null, 0);

    @AfterEach
    void everythingGivenBack() {
        net.close(); // and every buffer released
        assertThat(web.activeConnections()).as("service slots held").isZero();
    }

    /** Two HTTP/1.1 clients of one event loop, sharing its pool. */
    private List<EmbeddedPair> twoClients() throws Exception {
        EmbeddedPair first = net.http1Client(graph, "front", pool, null);
        return List.of(first, net.http1Client(graph, "front", pool, first));
    }

    /** Each client sends a GET of its path, the first first. */
    private static void send(List<EmbeddedPair> clients, String... paths) {
        for (int i = 0; i < paths.length; i++) {
            clients.get(i).peerSends("GET " + paths[i] + " HTTP/1.1\r\nHost: shop\r\n\r\n");
        }
    }

    /** The request HEADERS frames the service received since the last call. */
    private static List<Http2HeadersFrame> requests(EmbeddedPair service) {
        return service.peerStreamFrames().stream().filter(Http2HeadersFrame.class::isInstance)
                .map(Http2HeadersFrame.class::cast).toList();
    }

    /** The paths of {@code requests}, in order. */
    private static List<String> paths(List<Http2HeadersFrame> requests) {
        return requests.stream().map(h -> h.headers().path().toString()).toList();
    }

    /** The service answers 200 with {@code body} on {@code stream}. */
    private void answer(EmbeddedPair service, Http2FrameStream stream, String body) {
        service.peerWrites(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                        .setInt("content-length", body.length())).stream(stream),
                new DefaultHttp2DataFrame(alloc.of(body), true).stream(stream));
    }

    private int connections() {
        return pool.http2().connectionCount(web);
    }

    @Test
    void requestsOfOneLoopShareOneConnectionEachOnAStreamOfItsOwn() throws Exception {
        List<EmbeddedPair> clients = twoClients();
        send(clients, "/one", "/two");

        EmbeddedPair service = net.nextService();
        assertThat(net.newServiceConnections()).isZero();
        assertThat(connections()).isEqualTo(1);
        List<Http2HeadersFrame> heads = requests(service);
        assertThat(paths(heads)).containsExactly("/one", "/two");
        assertThat(heads.get(0).stream().id()).isNotEqualTo(heads.get(1).stream().id());

        answer(service, heads.get(1).stream(), "second");
        answer(service, heads.get(0).stream(), "first");

        assertThat(clients.get(0).peerReceived()).endsWith("\r\n\r\nfirst");
        assertThat(clients.get(1).peerReceived()).endsWith("\r\n\r\nsecond");
        assertThat(service.proxy.isOpen()).isTrue();
    }

    @Test
    void aConnectionTakesNoMoreStreamsThanTheServiceAllowsTheNextRequestOpensAnother() throws Exception {
        serviceMaxStreams = 1;
        List<EmbeddedPair> clients = twoClients();
        clients.get(0).peerSends("GET /one HTTP/1.1\r\nHost: shop\r\n\r\n"); // the SETTINGS come back meanwhile
        clients.get(1).peerSends("GET /two HTTP/1.1\r\nHost: shop\r\n\r\n");

        EmbeddedPair one = net.nextService();
        EmbeddedPair two = net.nextService();
        assertThat(connections()).isEqualTo(2);
        assertThat(paths(requests(one))).containsExactly("/one");
        assertThat(paths(requests(two))).containsExactly("/two");
    }

    @Test
    void requestsThatComeBeforeTheConnectionIsUpWaitOnItAndGoOnItOnceItIs() throws Exception {
        net.holdConnects();
        List<EmbeddedPair> clients = twoClients();
        send(clients, "/one", "/two");
        assertThat(connections()).as("one connection, in flight").isEqualTo(1);

        net.completeConnects();

        EmbeddedPair service = net.nextService();
        assertThat(net.newServiceConnections()).isZero();
        assertThat(paths(requests(service))).containsExactly("/one", "/two");
    }

    @Test
    void aConnectThatFailsFailsEveryRequestWaitingOnIt() throws Exception {
        net.holdConnects();
        net.refuse(PORT);
        List<EmbeddedPair> clients = twoClients();
        send(clients, "/one", "/two");

        net.completeConnects();

        assertThat(clients.get(0).peerReceived()).startsWith("HTTP/1.1 502 ");
        assertThat(clients.get(1).peerReceived()).startsWith("HTTP/1.1 502 ");
        assertThat(connections()).as("forgotten").isZero();
    }

    @Test
    void afterAGoawayTheStreamInFlightFinishesAndTheNextRequestGoesOnANewConnection() throws Exception {
        List<EmbeddedPair> clients = twoClients();
        clients.get(0).peerSends("GET /one HTTP/1.1\r\nHost: shop\r\n\r\n");
        EmbeddedPair old = net.nextService();
        Http2FrameStream inFlight = requests(old).get(0).stream();

        old.peerWrites(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        clients.get(1).peerSends("GET /two HTTP/1.1\r\nHost: shop\r\n\r\n");

        EmbeddedPair fresh = net.nextService();
        assertThat(paths(requests(fresh))).containsExactly("/two");
        answer(old, inFlight, "finished");
        assertThat(clients.get(0).peerReceived()).endsWith("\r\n\r\nfinished");
        assertThat(connections()).as("only the fresh one takes streams").isEqualTo(1);
    }

    @Test
    void aConnectionClosesOnceItHadNoStreamForTheIdleTimeoutNotWhileAStreamIsOpen() throws Exception {
        EmbeddedPair client = twoClients().get(0);
        client.peerSends("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        EmbeddedPair service = net.nextService();
        Http2FrameStream stream = requests(service).get(0).stream();

        service.elapse(IDLE_TIMEOUT_MILLIS);
        assertThat(service.proxy.isOpen()).as("a stream is open").isTrue();

        answer(service, stream, "done");
        assertThat(client.peerReceived()).endsWith("done");
        service.elapse(IDLE_TIMEOUT_MILLIS - 100);
        assertThat(service.proxy.isOpen()).as("not yet").isTrue();

        service.elapse(100);
        assertThat(service.proxy.isOpen()).isFalse();
        assertThat(connections()).isZero();
    }

    @Test
    void aCloseFailsTheFirstStreamWith502AndSendsALaterStreamsRequestOnceMoreOnAFreshConnection() throws Exception {
        List<EmbeddedPair> clients = twoClients();
        send(clients, "/one", "/two");
        EmbeddedPair service = net.nextService();

        service.peerCloses();

        assertThat(clients.get(0).peerReceived()).as("the connection's first stream: no stale connection to blame")
                .startsWith("HTTP/1.1 502 ");
        EmbeddedPair fresh = net.nextService();
        List<Http2HeadersFrame> again = requests(fresh);
        assertThat(paths(again)).as("a stream of a connection used before may have met its close: sent once more")
                .containsExactly("/two");
        answer(fresh, again.get(0).stream(), "second");
        assertThat(clients.get(1).peerReceived()).endsWith("\r\n\r\nsecond");
        assertThat(connections()).as("the closed connection is forgotten").isEqualTo(1);
    }
}
