package io.spillway.proxy;

import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.RawHttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static io.spillway.proxy.Configs.vs;
import static io.spillway.proxy.HttpSpilloverTest.awaitAllReleased;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How responses are framed on their way to the client (RFC 9112 section 6): bodies without a
 * length are streamed and flushed as they come (server-sent events), responses that have no
 * body keep none whatever their head says, and trailers pass through.
 */
class HttpMessageFramingTest {

    @RegisterExtension
    static final TestNet net = new TestNet();

    private record Setup(RuntimeGraph graph, InetSocketAddress address) {
    }

    private Setup proxyTo(int port) throws Exception {
        RuntimeGraph graph = Configs.create().service("a", port, 100)
                .vserver(vs("front", VServerProtocol.HTTP, "a")).graph();
        return new Setup(graph, net.proxy(graph).boundAddress("front"));
    }

    @Test
    void serverSentEventsReachTheClientAsSoonAsTheServiceFlushesThem() throws Exception {
        HttpBackend events = net.httpBackend("a");
        Setup s = proxyTo(events.port());
        try (Socket socket = new Socket(s.address().getAddress(), s.address().getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            // the service holds the second event until released: the first must arrive without it
            String line;
            do {
                line = in.readLine();
                assertThat(line).as("the first event before the service sends the second").isNotNull();
            } while (!line.equals("data: first"));
            events.releaseHeld();
            do {
                line = in.readLine();
                assertThat(line).as("the second event").isNotNull();
            } while (!line.equals("data: second"));
        }
        awaitAllReleased(s.graph());
    }

    @Test
    void noContentAndNotModifiedResponsesHaveNoBodyAndKeepTheConnection() throws Exception {
        HttpBackend a = net.httpBackend("a");
        Setup s = proxyTo(a.port());
        try (RawHttp c = RawHttp.connect(s.address())) {
            RawHttp.Response noContent = c.get("/status/204");
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.headers()).doesNotContainKeys("transfer-encoding", "content-length");
            RawHttp.Response notModified = c.get("/status/304");
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.headers()).doesNotContainKey("transfer-encoding");
            // nothing was left on the connection that could be taken for the next response
            assertThat(c.get("/").body()).isEqualTo("a");
        }
    }

    @Test
    void trailersOfAChunkedResponsePassThrough() throws Exception {
        RawHttpBackend trailing = net.track(RawHttpBackend.oneShot("HTTP/1.1 200 OK\r\n"
                + "Transfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: 5eb63bbbe01eeed093cb22bb8f5acdc3\r\n\r\n").start());
        Setup s = proxyTo(trailing.port());
        try (RawHttp c = RawHttp.connect(s.address())) {
            c.send("GET / HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n");
            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello world");
            assertThat(r.trailers()).containsEntry("x-checksum", java.util.List.of("5eb63bbbe01eeed093cb22bb8f5acdc3"));
        }
        awaitAllReleased(s.graph());
    }
}
