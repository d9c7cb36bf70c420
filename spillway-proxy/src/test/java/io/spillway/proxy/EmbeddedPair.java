package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The two ends of one connection, on {@link EmbeddedChannel}s, for handler tests that need the
 * other side: the proxy's end, with the handlers under test, and the peer's end (a client, or a
 * service), which the test drives. Nothing crosses by itself: {@link #shuttle()} carries what
 * each end wrote into the other until neither has more to say, as the network would between
 * two turns of the event loops; an end that closed closes the other once what it wrote was
 * delivered, as its FIN would. What the peer does ({@link #peerSends}, {@link #peerWrites},
 * {@link #peerCloses}) is followed by the settling of the whole {@link EmbeddedNetwork}, as
 * the proxy's answer may go out on another connection. A peer with no handlers sees bytes
 * ({@link #peerReceived()}); one with an HTTP/2 codec, frames ({@link #peerStreamFrames()}).
 * Time passes on the proxy's end when the test says so ({@link #elapse}).
 */
final class EmbeddedPair {

    /** Rounds of {@link #shuttle()} before two ends that never stop talking fail the test. */
    private static final int MAX_ROUNDS = 100;

    final EmbeddedChannel proxy;
    final EmbeddedChannel peer;
    private final EmbeddedNetwork network;
    /** What the test took of the peer's messages, released when the pair closes. */
    private final List<Object> taken = new ArrayList<>();

    EmbeddedPair(EmbeddedChannel proxy, EmbeddedChannel peer, EmbeddedNetwork network) {
        this.proxy = proxy;
        this.peer = peer;
        this.network = network;
    }

    /**
     * Carries what each end wrote into the other, and closes, until both are quiet; whether
     * anything crossed.
     */
    boolean shuttle() {
        boolean any = false;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            proxy.runPendingTasks();
            peer.runPendingTasks();
            boolean moved = carry(proxy, peer) | carry(peer, proxy);
            if (!moved) {
                proxy.checkException();
                peer.checkException();
                return any;
            }
            any = true;
        }
        throw new AssertionError("the two ends were still talking after " + MAX_ROUNDS + " rounds");
    }

    /** Moves {@code from}'s written messages into {@code to}; then passes {@code from}'s close on. */
    private static boolean carry(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object m; (m = from.readOutbound()) != null; ) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(m);
            } else {
                ReferenceCountUtil.release(m); // what arrives after the close is never read
            }
        }
        if (!from.isOpen() && to.isOpen()) {
            to.close();
            moved = true;
        }
        return moved;
    }

    /** The peer sends {@code text} (ISO-8859-1 octets), and it is delivered. */
    EmbeddedPair peerSends(String text) {
        ByteBuf b = peer.alloc().buffer(text.length()).writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        peer.writeOutbound(b);
        network.settle();
        return this;
    }

    /** The peer, a client, sends {@code request}; the new service connection the proxy opened for it. */
    EmbeddedPair peerSendsToNewService(String request) {
        peerSends(request);
        return network.nextService();
    }

    /** The peer writes {@code messages} through its handlers (frames, for a codec peer), and they are delivered. */
    EmbeddedPair peerWrites(Object... messages) {
        peer.writeOutbound(messages);
        network.settle();
        return this;
    }

    /** The peer closes the connection, and the proxy's end learns of it. */
    EmbeddedPair peerCloses() {
        peer.close();
        network.settle();
        return this;
    }

    /** Everything the peer received as bytes since the last call, as ISO-8859-1 text (the buffers are released). */
    String peerReceived() {
        StringBuilder text = new StringBuilder();
        for (Object m; (m = peer.readInbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            text.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return text.toString();
    }

    /**
     * The HEADERS, DATA and RST_STREAM frames the peer's HTTP/2 codec passed up since the last
     * call, of every stream, in order; held until the pair closes. The rest (SETTINGS, WINDOW_UPDATE,
     * GOAWAY ...) is released.
     */
    List<Http2StreamFrame> peerStreamFrames() {
        List<Http2StreamFrame> frames = new ArrayList<>();
        for (Object m; (m = peer.readInbound()) != null; ) {
            if (m instanceof Http2HeadersFrame || m instanceof Http2DataFrame || m instanceof Http2ResetFrame) {
                taken.add(m);
                frames.add((Http2StreamFrame) m);
            } else {
                ReferenceCountUtil.release(m);
            }
        }
        return frames;
    }

    /**
     * Time passes on the proxy's event loop: its clock moves on by {@code millis}, the tasks due
     * by then run, and what they wrote crosses the network.
     */
    EmbeddedPair elapse(long millis) {
        proxy.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        proxy.runScheduledPendingTasks();
        network.settle();
        return this;
    }

    /** Closes both ends and releases whatever either still holds, and what the test took. */
    void close() {
        proxy.finishAndReleaseAll();
        peer.finishAndReleaseAll();
        taken.forEach(ReferenceCountUtil::release);
        taken.clear();
    }
}
