package io.spillway.admin;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testkit.TrackingAllocator;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the admin API's request path: the octets of a connection, split at
 * points the fuzzer chooses, through the pipeline {@link AdminServer} builds for a connection
 * (deadline, HTTP codec, JSON error aggregator, {@link AdminChannelHandler} over the route table)
 * in an {@link EmbeddedChannel}. The routes are the built-in ones (all but {@code /metrics}, whose
 * handler reads no input) over a small graph, and one extension route that runs on the worker.
 * Invariants: nothing escapes the pipeline; no request is answered 500 (a handler that threw) or
 * with a status outside 200-599; every buffer is released.
 */
class AdminRouterFuzzTest {

    private static final String TOKEN = "fuzz-token";

    @FuzzTest
    void serve(FuzzedDataProvider data) throws Exception {
        int[] cuts = new int[data.consumeInt(0, 7)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 4096);
        }
        byte[] input = data.consumeRemainingAsBytes();

        TrackingAllocator alloc = new TrackingAllocator();
        List<Integer> statuses = new ArrayList<>();
        RequestDeadlineHandler deadline = new RequestDeadlineHandler(AdminLimits.DEFAULT.requestTimeout().toNanos());
        AccessPolicy access = new AccessPolicy(TOKEN, true);
        Connection ch = new Connection(deadline,
                new HttpServerCodec(AdminLimits.DEFAULT.maxInitialLine(), AdminLimits.DEFAULT.maxHeaderSize(), 8192),
                new JsonErrorAggregator(AdminLimits.DEFAULT.maxContent()),
                new StatusRecorder(statuses),
                new AdminChannelHandler(routes(), () -> access, Runnable::run, deadline,
                        AdminLimits.DEFAULT.maxQueuedRequests()));
        ch.config().setAllocator(alloc);
        try {
            ch.register();
            int from = 0;
            int[] points = java.util.Arrays.stream(cuts).filter(c -> c > 0 && c < input.length).sorted().distinct()
                    .toArray();
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

    /** The routes of {@link AdminServer}'s constructor, /metrics aside, plus an offloaded extension. */
    private static RouteTable routes() {
        RuntimeGraph graph = TestGraphs.shop();
        ServiceEventLog events = new ServiceEventLog(ManagementApi.MAX_EVENTS, Clock.systemUTC());
        ManagementApi api = new ManagementApi(() -> graph, events);
        Dashboard dashboard = new Dashboard();
        RouteTable routes = new RouteTable();
        routes.add(new Route("GET", "/healthz", true, Access.PUBLIC, false, api::health));
        routes.add(new Route("GET", "/", true, Access.PUBLIC, false, dashboard::page));
        routes.add(new Route("GET", ManagementApi.VSERVERS, false, Access.READ, false, api::vservers));
        routes.add(new Route("GET", ManagementApi.SERVICES, false, Access.READ, false, api::services));
        routes.add(new Route("POST", ManagementApi.SERVICES, false, Access.WRITE, false, api::serviceAction));
        routes.add(new Route("GET", ManagementApi.EVENTS, true, Access.READ, false, api::events));
        routes.add(new Route("PUT", "/api/v1/ext", false, Access.forMethod("PUT"), true,
                request -> AdminResponse.json(200, java.util.Map.of("path", request.path(),
                        "bytes", request.body().length, "query", request.query()))));
        return routes;
    }

    /** An embedded channel with a loopback peer address, as the handler reads the client's address. */
    private static final class Connection extends EmbeddedChannel {

        Connection(io.netty.channel.ChannelHandler... handlers) {
            super(false, false, handlers);
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
