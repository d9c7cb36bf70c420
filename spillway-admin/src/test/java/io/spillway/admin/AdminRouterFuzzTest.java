package io.spillway.admin;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.RuntimeGraph;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.spillway.httpjson.Access;
import io.spillway.httpjson.AccessPolicy;
import io.spillway.httpjson.ApiResponse;
import io.spillway.httpjson.JsonHttpServer;
import io.spillway.httpjson.Route;
import io.spillway.testing.FuzzedWrites;
import io.spillway.testing.TrackingAllocator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the admin API's request path: the octets of a connection, split at
 * points the fuzzer chooses, through the pipeline the admin's {@link JsonHttpServer} installs on a
 * connection (deadline, HTTP codec, JSON error aggregator, its handler over the route table) in an
 * {@link EmbeddedChannel}. The routes are the built-in ones (all but {@code /metrics}, whose
 * handler reads no input) over a small graph, and one extension route that runs on the worker.
 * Invariants: nothing escapes the pipeline; no request is answered 500 (a handler that threw) or
 * with a status outside 200-599; every buffer is released.
 */
class AdminRouterFuzzTest {

    private static final String TOKEN = "fuzz-token";
    /** Never started: the server only installs its handlers on each embedded connection. */
    private static final JsonHttpServer SERVER = server();

    @FuzzTest
    void serve(FuzzedDataProvider data) throws Exception {
        int[] cuts = FuzzedWrites.cuts(data);
        byte[] input = data.consumeRemainingAsBytes();

        TrackingAllocator alloc = new TrackingAllocator();
        List<Integer> statuses = new ArrayList<>();
        Connection ch = new Connection();
        SERVER.configure(ch);
        ch.pipeline().addAfter(ch.pipeline().context(HttpObjectAggregator.class).name(), "statuses",
                new StatusRecorder(statuses));
        ch.config().setAllocator(alloc);
        try {
            ch.register();
            int from = 0;
            int[] points = FuzzedWrites.points(cuts, input.length);
            for (int p = 0; p <= points.length && ch.isOpen(); p++) {
                // what a client sends after the close never arrives
                int to = p < points.length ? points[p] : input.length;
                ch.writeInbound(alloc.heapBuffer(to - from).writeBytes(input, from, to - from));
                // an offloaded request finishes in a task on the channel's event loop
                ch.runPendingTasks();
                from = to;
            }
            ch.checkException();
            for (int status : statuses) {
                if (status < 200 || status > 599 || status == 500) {
                    throw new AssertionError("a response with status " + status + " to\n"
                            + new String(input, StandardCharsets.ISO_8859_1));
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        alloc.assertAllReleased();
    }

    /**
     * The routes of {@link AdminServer}'s constructor, /metrics aside, plus an extension on the
     * worker, which here is the calling thread (an embedded channel has no other).
     */
    private static JsonHttpServer server() {
        RuntimeGraph graph = TestGraphs.shop();
        ServiceEventLog events = new ServiceEventLog(ManagementApi.MAX_EVENTS, Clock.systemUTC());
        JsonHttpServer server = new JsonHttpServer("fuzz", "admin", AdminServer.LIMITS, true,
                ImmediateEventExecutor.INSTANCE);
        new ManagementApi(() -> graph, events).routes().forEach(server::route);
        new Dashboard().routes().forEach(server::route);
        server.route(Route.blocking("PUT", "/api/v1/ext", Access.forMethod("PUT"),
                request -> ApiResponse.json(200, java.util.Map.of("path", request.path(),
                        "bytes", request.body().length, "query", request.query()))).below());
        server.accessPolicy(new AccessPolicy(TOKEN, true, "admin"));
        return server;
    }

    /** An embedded channel with a loopback peer address, as the handler reads the client's address. */
    private static final class Connection extends EmbeddedChannel {

        Connection() {
            super(false, false);
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
        }
    }

    /** Notes the status of each response the admin handler writes. */
    private static final class StatusRecorder extends ChannelOutboundHandlerAdapter {

        private final List<Integer> statuses;

        StatusRecorder(List<Integer> statuses) {
            this.statuses = statuses;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof FullHttpResponse r) {
                statuses.add(r.status().code());
            } else if (!(msg instanceof ByteBuf)) {
                ReferenceCountUtil.release(msg);
                throw new AssertionError("the admin handler wrote " + msg);
            }
            ctx.write(msg, promise);
        }
    }
}
