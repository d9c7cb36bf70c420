package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.HttpBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The data plane taking {@code /go/} connections over from another server (G6 proxy mode on the
 * GSLB resolve endpoint): a listener whose pipeline is {@link GoHandoff#newHandler()} in front of
 * a stand-in for the JSON server, which answers with the bytes it read. A connection whose first
 * request is {@code /go/{domain}/...} is served by the proxy, for the vServer of that domain, as
 * the router chooses, with the target after the domain, and closes after its one response; any
 * other connection reaches the server it was accepted by, every byte intact.
 */
class GoHandoffTest {

    @RegisterExtension
    static final TestNet net = new TestNet();

    private final HttpBackend farBackend = net.httpBackend("far");
    private final VirtualServer far = GslbRouterTest.branch("far", ServiceProtocol.HTTP, farBackend.port());
    private final AtomicReference<VirtualServer> asked = new AtomicReference<>();

    /** A proxy with no vServer of its own whose router sends every connection to {@code chosen}. */
    private ProxyServer proxy(CompletableFuture<VirtualServer> chosen) throws Exception {
        RuntimeGraph empty = Configs.create().graph();
        ProxyServer proxy = net.proxy(empty);
        proxy.setGslbRouter((head, client) -> {
            asked.set(head);
            return chosen;
        });
        return proxy;
    }

    /** The other server: idle handler as the JSON server has, then {@link EchoHead}. */
    private InetSocketAddress listen(GoHandoff handoff) {
        Channel server = net.transport.serverBootstrap()
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new IdleStateHandler(0, 0, 30, TimeUnit.SECONDS))
                                .addLast(handoff.newHandler())
                                .addLast(new EchoHead());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        net.track(() -> server.close().syncUninterruptibly());
        return (InetSocketAddress) server.localAddress();
    }

    @Test
    void goRequestIsServedByTheProxyForTheDomainsVServerWithTheTargetAfterTheDomain() throws Exception {
        ProxyServer proxy = proxy(CompletableFuture.completedFuture(far));
        InetSocketAddress at = listen(proxy.goHandoff());
        try (RawHttp c = RawHttp.connect(at)) {
            c.send("GET /go/app.exa");
            Thread.sleep(50); // not a wait for anything: the request line is to arrive in two reads
            c.send("mple.com/?x=1 HTTP/1.1\r\nHost: resolve.local\r\n\r\n");
            RawHttp.Response r = c.read(false);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("far");
            assertThat(r.headers().get("connection")).containsExactly("close");
            assertThat(c.closedByPeer()).as("one request per handed-over connection").isTrue();
        }
        assertThat(asked.get().name()).isEqualTo("/go/app.example.com");
        assertThat(asked.get().config().gslb()).isEqualTo("app.example.com");
        assertThat(far.admitted()).isEqualTo(1);
        assertThat(farBackend.lastHeaders().getFirst("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(farBackend.lastHeaders().getFirst("X-Forwarded-Port")).isEqualTo(String.valueOf(at.getPort()));
        assertThat(farBackend.lastHeaders().getFirst("Via")).isEqualTo("1.1 spillway");
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.clientConnections() == 0);
    }

    @Test
    void bodyThatCameWithTheRequestLineAndAfterItReachesTheBranchWhenTheChoiceComesLater() throws Exception {
        CompletableFuture<VirtualServer> later = new CompletableFuture<>();
        ProxyServer proxy = proxy(later);
        try (RawHttp c = RawHttp.connect(listen(proxy.goHandoff()))) {
            c.send("POST /go/app.example.com/echo HTTP/1.1\r\nHost: r\r\nContent-Length: 10\r\n\r\nhello");
            await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() != null);
            assertThat(proxy.clientConnections()).as("counted as the proxy's own connections are").isEqualTo(1);
            c.send("world");
            later.complete(far);

            RawHttp.Response r = c.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("helloworld");
        }
    }

    @Test
    void goRequestWithNoBranchChosenIsUnavailable() throws Exception {
        ProxyServer proxy = proxy(CompletableFuture.completedFuture(null));
        try (RawHttp c = RawHttp.connect(listen(proxy.goHandoff()))) {
            RawHttp.Response r = c.get("/go/app.example.com/x");

            assertThat(r.status()).isEqualTo(503);
            assertThat(far.admitted()).isZero();
        }
    }

    @Test
    void otherConnectionsReachTheServerThatAcceptedThemByteForByte() throws Exception {
        ProxyServer proxy = proxy(CompletableFuture.completedFuture(far));
        InetSocketAddress at = listen(proxy.goHandoff());
        String request = "GET /resolve?domain=app.example.com HTTP/1.1\r\nHost: r\r\n\r\n";
        try (RawHttp c = RawHttp.connect(at)) {
            c.send(request.substring(0, 7));
            Thread.sleep(50); // not a wait for anything: the request line is to arrive in two reads
            c.send(request.substring(7));
            assertThat(c.read(false).body()).isEqualTo(request);
        }
        String malformed = "GET /go//x HTTP/1.1\r\nHost: r\r\n\r\n";
        try (RawHttp c = RawHttp.connect(at)) {
            c.send(malformed);
            assertThat(c.read(false).body()).isEqualTo(malformed);
        }
        String longLine = "GET /go/app.example.com/" + "a".repeat(GoSniffer.MAX_LINE) + " HTTP/1.1\r\n\r\n";
        try (RawHttp c = RawHttp.connect(at)) {
            c.send(longLine);
            assertThat(c.read(false).body()).as("a line too long to look at").isEqualTo(longLine);
        }
        assertThat(asked.get()).as("the router was never asked").isNull();
    }

    @Test
    void theVServersOfTheLeastRecentlyUsedDomainsAreGivenUpAndForgottenByTheRouter() throws Exception {
        ProxyServer proxy = net.proxy(Configs.create().graph());
        List<String> forgotten = new ArrayList<>();
        proxy.setGslbRouter(new GslbRouter() {
            @Override
            public CompletableFuture<VirtualServer> route(VirtualServer head, InetAddress client) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public void forget(VirtualServer head) {
                forgotten.add(head.name());
            }
        });
        GoHandoff handoff = proxy.goHandoff();
        VirtualServer first = handoff.route("d0.example.com").chain().head();
        for (int i = 1; i < GoHandoff.MAX_DOMAINS; i++) {
            handoff.route("d" + i + ".example.com");
        }
        assertThat(handoff.route("d0.example.com").chain().head()).as("kept, and now the last used").isSameAs(first);
        assertThat(forgotten).isEmpty();

        handoff.route("one-more.example.com");

        assertThat(forgotten).containsExactly("/go/d1.example.com");
    }

    /** Reads up to the end of the first request head and answers it with what it read. */
    private static final class EchoHead extends ChannelInboundHandlerAdapter {
        private final StringBuilder read = new StringBuilder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            read.append(in.toString(StandardCharsets.ISO_8859_1));
            in.release();
            if (read.indexOf("\r\n\r\n") >= 0) {
                byte[] body = read.toString().getBytes(StandardCharsets.ISO_8859_1);
                ctx.writeAndFlush(Unpooled.wrappedBuffer(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), body))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
