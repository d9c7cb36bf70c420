package io.spillway.proxy;

import io.netty.util.ReferenceCountUtil;
import io.spillway.proxy.internal.http1.RequestHead;

import java.util.ArrayDeque;

/**
 * What an HTTP/1.1 client sent behind the request being served (pipelining, RFC 9112 9.3.2):
 * decoded messages waiting, in order, until the exchange before them is over. The queue exists
 * only once a client pipelines; while it holds anything, the connection is not read
 * ({@link ReadGate#PIPELINED}), and once it holds {@code limits.maxPipelined} requests the
 * decoder parses no more of what that read delivered ({@code Http1RequestDecoder.hold}).
 */
final class PipelinedRequests {

    private ArrayDeque<Object> waiting;
    private int requests;

    boolean isEmpty() {
        return waiting == null || waiting.isEmpty();
    }

    void add(Object msg) {
        if (waiting == null) {
            waiting = new ArrayDeque<>(2);
        }
        waiting.add(msg);
        if (msg instanceof RequestHead) {
            requests++;
        }
    }

    /** Requests whose head waits here. */
    int requests() {
        return requests;
    }

    /** The oldest waiting message, removed, or null. */
    Object poll() {
        Object msg = waiting == null ? null : waiting.poll();
        if (msg instanceof RequestHead) {
            requests--;
        }
        return msg;
    }

    /** The connection is gone: everything waiting is released. */
    void releaseAll() {
        for (Object m = poll(); m != null; m = poll()) {
            ReferenceCountUtil.release(m);
        }
    }
}
