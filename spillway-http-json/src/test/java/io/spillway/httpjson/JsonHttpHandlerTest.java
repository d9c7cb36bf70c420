package io.spillway.httpjson;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The building block's connection handler, driven in an {@code EmbeddedChannel} (no socket, a
 * frozen clock): routing with path parameters, HEAD, OPTIONS and 405, the token rules, the size
 * limits, the request deadline, the answer timeout, pipelining, and handler failures.
 */
class JsonHttpHandlerTest {

    private static final String TOKEN = "s3cret";
    private static final HttpLimits LIMITS = new HttpLimits(64, 128, 256, Duration.ofSeconds(1),
            Duration.ofSeconds(60), 8, 2, Duration.ofMillis(500));

    /** Runs the blocking handlers when the test says so, on the test's thread. */
    private static final class ManualWorker extends AbstractExecutorService {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        void runAll() {
            for (Runnable r; (r = tasks.poll()) != null; ) {
                r.run();
            }
        }

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    private final ManualWorker worker = new ManualWorker();
    private final List<String> calls = new ArrayList<>();
    private final CompletableFuture<ApiResponse> later = new CompletableFuture<>();
    private final JsonHttpServer server = new JsonHttpServer("test", "admin", LIMITS, true, worker);
    private final List<Wire> wires = new ArrayList<>();

    JsonHttpHandlerTest() {
        server.route(Route.inline("GET", "/things", Access.READ, r -> answer(r, "list")));
        server.route(Route.inline("GET", "/things/{id}", Access.READ, r -> answer(r, "thing " + r.param("id"))));
        server.route(Route.inline("GET", "/things/special", Access.READ, r -> answer(r, "special")));
        server.route(Route.inline("POST", "/things/{id}/touch", Access.WRITE, r -> answer(r, "touched " + r.param("id"))));
        server.route(Route.inline("GET", "/files", Access.PUBLIC, r -> answer(r, "file " + r.path())).below());
        server.route(Route.inline("GET", "/health", Access.PUBLIC, r -> answer(r, "ok")));
        server.route(Route.async("GET", "/later", Access.PUBLIC, r -> {
            calls.add("later");
            return later;
        }));
        server.route(Route.blocking("POST", "/reload", Access.WRITE, r -> answer(r, "reloaded")));
        server.route(Route.inline("GET", "/bad", Access.PUBLIC, r -> {
            throw new IllegalArgumentException("domain is required");
        }));
        server.route(Route.inline("GET", "/broken", Access.PUBLIC, r -> {
            throw new IllegalStateException("boom");
        }));
        server.route(Route.inline("GET", "/silent", Access.PUBLIC, r -> null));
        server.accessPolicy(new AccessPolicy(TOKEN, false, "admin"));
    }

    private ApiResponse answer(ApiRequest request, String what) {
        calls.add(what);
        return ApiResponse.json(200, Map.of("answer", what));
    }

    private Wire connect() {
        return connect(server);
    }

    private Wire connect(JsonHttpServer on) {
        Wire wire = new Wire(on);
        wires.add(wire);
        return wire;
    }

    @AfterEach
    void close() {
        wires.forEach(Wire::close);
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n";
    }

    @Test
    void pathParametersReachTheHandlerAndTheMostSpecificRouteWins() {
        Wire wire = connect().send(get("/things/42") + get("/things/special") + get("/things/") + get("/files/a/b"));
        List<Wire.Reply> replies = wire.replies();
        assertThat(replies).extracting(Wire.Reply::body).containsExactly(
                "{\"answer\":\"thing 42\"}", "{\"answer\":\"special\"}", "{\"answer\":\"list\"}",
                "{\"answer\":\"file /files/a/b\"}");
        assertThat(replies.get(0).header("content-type")).isEqualTo("application/json");
        assertThat(replies.get(0).header("cache-control")).isEqualTo("no-store");
        assertThat(replies.get(0).header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(replies.get(0).header("connection")).isEqualTo("keep-alive");
    }

    @Test
    void anUncoveredPathIs404AndAWrongMethod405WithAllow() {
        Wire wire = connect().send(get("/nothing") + get("/filesx") + get("/things/1/touch")
                + "DELETE /things/1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n\r\n");
        List<Wire.Reply> replies = wire.replies();
        assertThat(replies).extracting(Wire.Reply::status).containsExactly(404, 404, 405, 405);
        assertThat(replies.get(0).body()).isEqualTo("{\"error\":\"no such resource: /nothing\"}");
        assertThat(replies.get(2).header("allow")).isEqualTo("POST");
        assertThat(replies.get(3).header("allow")).isEqualTo("GET, HEAD");
        assertThat(replies.get(3).body()).contains("DELETE is not allowed on /things/1");
        assertThat(calls).isEmpty();
    }

    @Test
    void optionsListsTheMethodsOfAPathWithoutCallingAHandler() {
        Wire wire = connect().send("OPTIONS /things/7 HTTP/1.1\r\nHost: x\r\n\r\nOPTIONS /nothing HTTP/1.1\r\nHost: x\r\n\r\n");
        List<Wire.Reply> replies = wire.replies();
        assertThat(replies.get(0).status()).isEqualTo(204);
        assertThat(replies.get(0).header("allow")).isEqualTo("GET, HEAD, OPTIONS");
        assertThat(replies.get(0).header("content-length")).isNull();
        assertThat(replies.get(1).status()).isEqualTo(404);
        assertThat(calls).isEmpty();
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutTheBody() {
        Wire wire = connect().send(get("/health"));
        String length = wire.reply().header("content-length");
        Wire.Reply head = wire.send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n").reply(true);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("content-length")).isEqualTo(length);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void aServerWithoutHeadForGetAnswersHeadWith405() {
        JsonHttpServer getOnly = new JsonHttpServer("get-only", "gslb.resolve", LIMITS, false);
        getOnly.route(Route.inline("GET", "/resolve", Access.PUBLIC, r -> ApiResponse.json(200, Map.of())));
        Wire.Reply reply = connect(getOnly).send("HEAD /resolve HTTP/1.1\r\nHost: x\r\n\r\n").reply(true);
        assertThat(reply.status()).isEqualTo(405);
        assertThat(reply.header("allow")).isEqualTo("GET");
    }

    @Test
    void theTokenIsCheckedBeforeTheHandlerIsCalled() {
        Wire wire = connect().send("GET /things HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /things/1/touch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\nContent-Length: 0\r\n\r\n"
                + "POST /things/1/touch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\nContent-Length: 0\r\n\r\n"
                + get("/health").replace("Authorization: Bearer s3cret\r\n", ""));
        List<Wire.Reply> replies = wire.replies();
        assertThat(replies).extracting(Wire.Reply::status).containsExactly(401, 401, 200, 200);
        assertThat(replies.get(0).header("www-authenticate")).isEqualTo("Bearer realm=\"spillway\"");
        assertThat(replies.get(0).body()).contains("missing bearer token");
        assertThat(replies.get(1).body()).contains("invalid bearer token");
        assertThat(calls).containsExactly("touched 1", "ok");
    }

    @Test
    void aBodyOverTheLimitIs413AndTheConnectionCloses() {
        Wire wire = connect().send("POST /things/1/touch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
                + "Content-Length: 65\r\n\r\n" + "x".repeat(65));
        Wire.Reply reply = wire.reply();
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.body()).contains("larger than 64 bytes");
        assertThat(wire.isOpen()).isFalse();
        assertThat(calls).isEmpty();
    }

    @Test
    void aLongRequestLineIs414AndLargeHeaders431AndGarbage400AllClosing() {
        Wire line = connect().send("GET /" + "a".repeat(200) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(line.reply().status()).isEqualTo(414);
        assertThat(line.isOpen()).isFalse();
        Wire headers = connect().send("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(300) + "\r\n\r\n");
        assertThat(headers.reply().status()).isEqualTo(431);
        assertThat(headers.isOpen()).isFalse();
        Wire garbage = connect().send("\u0001\u0002 garbage\r\n\r\n");
        Wire.Reply reply = garbage.reply();
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.header("connection")).isEqualTo("close");
        assertThat(garbage.isOpen()).isFalse();
        Wire escape = connect().send("GET /things/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(escape.reply().body()).contains("malformed URI");
    }

    @Test
    void aRequestNotReceivedWithinTheDeadlineIs408() {
        Wire wire = connect().send("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        wire.advance(999);
        assertThat(wire.replies()).isEmpty();
        wire.advance(1);
        Wire.Reply reply = wire.reply();
        assertThat(reply.status()).isEqualTo(408);
        assertThat(reply.body()).contains("request not received in time");
        assertThat(wire.isOpen()).isFalse();
    }

    @Test
    void theDeadlineRestartsWithEachRequest() {
        Wire wire = connect().send(get("/health")).advance(900).send(get("/health")).advance(900);
        assertThat(wire.replies()).extracting(Wire.Reply::status).containsExactly(200, 200);
        assertThat(wire.isOpen()).isTrue();
    }

    @Test
    void anAsynchronousAnswerSlowerThanTheAnswerTimeoutIs504AndTheConnectionCarriesOn() {
        Wire wire = connect().send(get("/later?domain=slow.example.com"));
        wire.advance(499);
        assertThat(wire.replies()).isEmpty();
        wire.advance(1);
        Wire.Reply reply = wire.reply();
        assertThat(reply.status()).isEqualTo(504);
        assertThat(reply.body()).contains("/later?domain=slow.example.com", "500 ms");
        later.complete(ApiResponse.json(200, Map.of("late", true)));
        wire.runTasks();
        assertThat(wire.send(get("/health")).reply().status()).isEqualTo(200);
    }

    @Test
    void requestsBehindAnAsynchronousOneAreServedAtOnceAndAnsweredInOrder() {
        Wire wire = connect().send(get("/later") + get("/health"));
        assertThat(calls).containsExactly("later", "ok");
        assertThat(wire.replies()).isEmpty();
        later.complete(ApiResponse.json(200, Map.of("answer", "later")));
        wire.runTasks();
        assertThat(wire.replies()).extracting(Wire.Reply::body)
                .containsExactly("{\"answer\":\"later\"}", "{\"answer\":\"ok\"}");
    }

    @Test
    void aBlockingHandlerIsABarrierForTheRequestsBehindIt() {
        Wire wire = connect().send("POST /reload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
                + "Content-Length: 0\r\n\r\n" + get("/health"));
        assertThat(calls).isEmpty();
        assertThat(wire.isReading()).isFalse();
        worker.runAll();
        wire.runTasks();
        assertThat(calls).containsExactly("reloaded", "ok");
        assertThat(wire.replies()).extracting(Wire.Reply::body)
                .containsExactly("{\"answer\":\"reloaded\"}", "{\"answer\":\"ok\"}");
        assertThat(wire.isReading()).isTrue();
    }

    @Test
    void pipeliningMoreThanTheQueueHoldsClosesTheConnection() {
        Wire wire = connect().send(get("/later") + get("/later") + get("/later"));
        assertThat(wire.isOpen()).isTrue();
        wire.send(get("/later"));
        assertThat(wire.isOpen()).isFalse();
    }

    @Test
    void handlerFailuresBecomeJsonErrors() {
        List<Wire.Reply> replies = connect().send(get("/bad") + get("/broken") + get("/silent")).replies();
        assertThat(replies).extracting(Wire.Reply::status).containsExactly(400, 500, 500);
        assertThat(replies.get(0).body()).isEqualTo("{\"error\":\"domain is required\"}");
        assertThat(replies.get(1).body()).contains("boom");
        assertThat(replies.get(2).body()).contains("no answer");
    }

    @Test
    void aRequestAskingToCloseIsTheLastOneServed() {
        Wire wire = connect().send("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                + "POST /things/1/touch HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\nContent-Length: 0\r\n\r\n");
        Wire.Reply reply = wire.reply();
        assertThat(reply.header("connection")).isEqualTo("close");
        assertThat(wire.isOpen()).isFalse();
        assertThat(calls).containsExactly("ok");
    }

    @Test
    void aRetiringServerClosesEachConnectionAfterItsPendingAnswer() {
        Wire idle = connect();
        Wire busy = connect().send(get("/later"));
        server.retire();
        idle.runTasks();
        busy.runTasks();
        assertThat(idle.isOpen()).isFalse();
        assertThat(busy.isOpen()).isTrue();
        later.complete(ApiResponse.json(200, Map.of("answer", "later")));
        busy.runTasks();
        assertThat(busy.reply().header("connection")).isEqualTo("close");
        assertThat(busy.isOpen()).isFalse();
    }

    @Test
    void aFrontHandlerSeesEachConnectionFirstAndMayTakeItOverWithoutTheServersTimers() {
        server.front(TakeOver::new);

        Wire taken = connect().send("TAKE / HTTP/1.1\r\nHost: x\r\n");
        taken.advance(LIMITS.idleTimeout().toMillis() + 1000);
        assertThat(taken.reply().status()).as("the front handler's own answer").isEqualTo(299);
        assertThat(taken.isOpen()).as("no 408 and no idle close from the server once it let go").isTrue();

        Wire served = connect().send(get("/health"));
        assertThat(served.reply().status()).as("a connection the front handler leaves alone").isEqualTo(200);
    }

    /** Takes over a connection whose first bytes are {@code TAKE}, as the GSLB resolve endpoint's /go/ hand-over does. */
    private static final class TakeOver extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            if (!in.toString(StandardCharsets.US_ASCII).startsWith("TAKE")) {
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(in);
                return;
            }
            in.release();
            List<ChannelHandler> others = new ArrayList<>();
            ctx.pipeline().forEach(e -> others.add(e.getValue()));
            others.stream().filter(h -> h != this).forEach(ctx.pipeline()::remove);
            ctx.writeAndFlush(Unpooled.copiedBuffer("HTTP/1.1 299 Taken\r\nContent-Length: 0\r\n\r\n",
                    StandardCharsets.US_ASCII));
        }
    }
}
