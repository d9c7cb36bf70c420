package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.spillway.testing.TrackingAllocator;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The differential check of the fuzz tests: a head the parser accepted, written by our writer
 * and parsed again, must mean the same thing to the next hop. Requests keep their method, target
 * (in origin-form), authority and framing; responses their status and framing.
 */
final class HeadRoundTrip {

    /** Generous: the writers add fields (X-Forwarded-*, Via) to what the first parser accepted. */
    private static final int LIMIT = 1 << 16;

    private HeadRoundTrip() {
    }

    static void assertRequestSurvivesTheWriter(TrackingAllocator alloc, RequestHead head) {
        ByteBuf written = new RequestHeadWriter("192.0.2.7", "http", 80).write(alloc, head);
        RequestHead again = new RequestHead();
        String text = written.toString(StandardCharsets.ISO_8859_1);
        try {
            if (!new RequestHeadParser(LIMIT, LIMIT).parse(written, again)) {
                throw new AssertionError("the writer made an incomplete head:\n" + text);
            }
        } catch (Http1Exception e) {
            throw new AssertionError("the writer made a head the parser refuses (" + e.status() + " "
                    + e.getMessage() + "):\n" + text + "\nfrom:\n" + original(head), e);
        } finally {
            written.release();
        }
        try {
            if (written.isReadable()) {
                throw new AssertionError("the writer wrote more than one head:\n" + text);
            }
            same("method", name(head), name(again), text, head);
            same("target", originTarget(head), again.target(), text, head);
            // no Host on HTTP/1.0 goes as an empty one on HTTP/1.1: the same absent authority
            same("authority", Objects.requireNonNullElse(head.authority(), ""),
                    Objects.requireNonNullElse(again.authority(), ""), text, head);
            same("framing", head.framing(), again.framing(), text, head);
            same("content length", head.contentLength(), again.contentLength(), text, head);
            same("upgrade", head.isUpgrade(), again.isUpgrade(), text, head);
            same("version", Http1Version.HTTP_1_1, again.version(), text, head);
        } finally {
            again.release();
        }
    }

    static void assertResponseSurvivesTheWriter(TrackingAllocator alloc, ResponseHead head, Http1Version clientVersion,
                                                boolean clientKeepAlive) {
        ByteBuf written = ResponseHeadWriter.write(alloc, head, clientVersion, clientKeepAlive);
        ResponseHead again = new ResponseHead();
        String text = written.toString(StandardCharsets.ISO_8859_1);
        try {
            if (!new ResponseHeadParser(LIMIT, LIMIT).parse(written, again, head.requestMethod())) {
                throw new AssertionError("the writer made an incomplete head:\n" + text);
            }
        } catch (Http1Exception e) {
            throw new AssertionError("the writer made a head the parser refuses (" + e.getMessage() + "):\n"
                    + text + "\nfrom:\n" + original(head), e);
        } finally {
            written.release();
        }
        try {
            same("status", head.status(), again.status(), text, head);
            boolean dechunked = ResponseHeadWriter.decodesForClient(head, clientVersion);
            same("framing", dechunked ? Http1Framing.UNTIL_CLOSE : head.framing(), again.framing(), text, head);
            same("content length", head.contentLength(), again.contentLength(), text, head);
            if (head.framing() != Http1Framing.TUNNEL) {
                    same("keep-alive", ResponseHeadWriter.keepsClientOpen(head, clientVersion, clientKeepAlive)
                        || head.isInterim(), again.keepAlive() || again.isInterim() || again.isSwitchingProtocols(),
                        text, head);
            }
        } finally {
            again.release();
        }
    }

    private static String name(RequestHead h) {
        return h.string(h.start(), h.methodEnd());
    }

    /** The target as the writer sends it: origin-form for an absolute-form target. */
    private static String originTarget(RequestHead h) {
        if (h.targetForm() != RequestTargetForm.ABSOLUTE) {
            return h.target();
        }
        String path = h.string(h.pathStart(), h.targetEnd());
        return path.isEmpty() || path.startsWith("?") ? "/" + path : path;
    }

    private static String original(Http1Head h) {
        return h.string(h.start(), h.end());
    }

    private static void same(String what, Object expected, Object actual, String written, Http1Head head) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(what + " changed through the writer: " + expected + " became " + actual
                    + "\nreceived:\n" + original(head) + "\nwritten:\n" + written);
        }
    }
}
