package io.spillway.httpjson;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One connection to a {@link JsonHttpServer} without a socket: an {@link EmbeddedChannel} with
 * the server's handlers, a loopback peer and a frozen clock, fed raw request bytes; the bytes
 * the server writes are parsed back into {@link Reply replies}.
 */
final class Wire implements AutoCloseable {

    /** One parsed response: status, headers by lower-case name, body text. */
    record Reply(int status, Map<String, String> headers, String body) {

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    // an id of its own: the server keeps its connections in a group keyed by id
    private final EmbeddedChannel channel = new EmbeddedChannel(DefaultChannelId.newInstance(), false, false) {
        @Override
        protected SocketAddress remoteAddress0() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
        }
    };
    private final StringBuilder written = new StringBuilder();

    Wire(JsonHttpServer server) {
        server.configure(channel);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException("cannot register the embedded channel", e);
        }
        channel.freezeTime();
    }

    /** Feeds {@code text} (ISO-8859-1) to the server and runs what became due. */
    Wire send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        return this;
    }

    /** Moves the channel's clock on and runs the timers that became due. */
    Wire advance(long millis) {
        channel.advanceTimeBy(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        channel.runPendingTasks();
        channel.runPendingTasks(); // what the timers handed to the event loop
        return this;
    }

    /** Runs the tasks handed to the channel's event loop (answers completed elsewhere). */
    Wire runTasks() {
        channel.runPendingTasks();
        return this;
    }

    boolean isOpen() {
        return channel.isOpen();
    }

    boolean isReading() {
        return channel.config().isAutoRead();
    }

    /** Every reply written so far and not yet returned; {@code heads} marks replies to HEAD (no body). */
    List<Reply> replies(boolean... heads) {
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) o;
            written.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        List<Reply> out = new ArrayList<>();
        int at = 0;
        while (at < written.length()) {
            int end = written.indexOf("\r\n\r\n", at);
            if (end < 0) {
                break;
            }
            String[] lines = written.substring(at, end).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            boolean head = out.size() < heads.length && heads[out.size()];
            int length = head || !headers.containsKey("content-length") ? 0 : Integer.parseInt(headers.get("content-length"));
            String body = written.substring(end + 4, end + 4 + length);
            out.add(new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, body));
            at = end + 4 + length;
        }
        written.delete(0, at);
        return out;
    }

    /** The only reply written so far. */
    Reply reply(boolean... head) {
        List<Reply> all = replies(head);
        if (all.size() != 1) {
            throw new AssertionError("expected one reply, got " + all);
        }
        return all.get(0);
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }
}
