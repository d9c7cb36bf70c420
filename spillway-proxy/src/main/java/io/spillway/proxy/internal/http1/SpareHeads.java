package io.spillway.proxy.internal.http1;

import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayDeque;

/**
 * What the head parsers and decoders need only while a head is being parsed or forwarded, kept
 * per thread (an event loop) instead of per connection: the scratch array a complete head is
 * copied into for parsing ({@link Http1Syntax}), and released head objects waiting to be reused.
 *
 * <p>Why. A connection between two requests holds no head: a request head is released as soon
 * as its forwarded copy is written, a response head as soon as it is written to the client. Kept
 * per connection, the spare head (its field index arrays) and the 1 KiB scratch array were
 * 1.6 KB of every idle keep-alive connection's retained heap, more than Netty's whole channel;
 * kept per event loop they cost that once, and a keep-alive request still allocates nothing.
 *
 * <p>A released head goes to the spares of the thread that releases it (its channel's event
 * loop), up to {@link #KEPT} of each kind; more are left to the garbage collector. The scratch
 * array grows to the largest head parsed on the thread, which the limits on heads bound.
 * Everything here is used by its own thread only.
 */
final class SpareHeads implements HeadOwner {

    /** Released heads kept per kind and thread: more than one event loop has in flight at once. */
    static final int KEPT = 64;

    private static final FastThreadLocal<SpareHeads> OF_THREAD = new FastThreadLocal<>() {
        @Override
        protected SpareHeads initialValue() {
            return new SpareHeads();
        }
    };

    private final ArrayDeque<RequestHead> requests = new ArrayDeque<>();
    private final ArrayDeque<ResponseHead> responses = new ArrayDeque<>();
    private byte[] scratch = new byte[1024];

    private SpareHeads() {
    }

    /** The calling thread's spares. */
    static SpareHeads ofThisThread() {
        return OF_THREAD.get();
    }

    /** A request head to parse into: a released one, or a new one. */
    RequestHead requestHead() {
        RequestHead head = requests.pollLast();
        return head != null ? head : new RequestHead(this);
    }

    /** A response head to parse into: a released one, or a new one. */
    ResponseHead responseHead() {
        ResponseHead head = responses.pollLast();
        return head != null ? head : new ResponseHead(this);
    }

    /**
     * The thread's scratch array, at least {@code length} long; its content is the caller's until
     * it returns (the parsers use it within one call).
     */
    byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        return scratch;
    }

    @Override
    public void giveBack(Http1Head head) {
        // the spares of the thread that releases it, whichever made it
        SpareHeads here = ofThisThread();
        if (head instanceof RequestHead request) {
            if (here.requests.size() < KEPT) {
                here.requests.addLast(request);
            }
        } else if (head instanceof ResponseHead response && here.responses.size() < KEPT) {
            here.responses.addLast(response);
        }
    }
}
