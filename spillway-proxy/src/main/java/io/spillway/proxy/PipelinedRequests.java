package io.spillway.proxy;

import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * What an HTTP/1.1 client sent behind the request being served (pipelining, RFC 9112 9.3.2):
 * decoded messages waiting, in order, until the exchange before them is over. The queue exists
 * only once a client pipelines; while it holds anything, the connection is not read
 * ({@link ReadGate#PIPELINED}), so it holds at most what one read delivered.
 */
final class PipelinedRequests {

    private ArrayDeque<Object> waiting;

    boolean isEmpty() {
        return waiting == null || waiting.isEmpty();
    }

    void add(Object msg) {
        if (waiting == null) {
            waiting = new ArrayDeque<>(2);
        }
        waiting.add(msg);
    }

    /** The oldest waiting message, removed, or null. */
    Object poll() {
        return waiting == null ? null : waiting.poll();
    }

    /** The connection is gone: everything waiting is released. */
    void releaseAll() {
        for (Object m = poll(); m != null; m = poll()) {
            ReferenceCountUtil.release(m);
        }
    }
}
