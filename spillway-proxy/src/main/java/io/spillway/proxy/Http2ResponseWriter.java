package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.ResponseHead;

import java.nio.charset.StandardCharsets;

/**
 * The {@code proxyToClientResponse} leg of one HTTP/2 stream of a client connection
 * ({@link Http2ClientLeg}): writes what answers the stream's request as HTTP/2 frames and counts
 * it on the request's {@link RequestRecord}; the HTTP/2 counterpart of {@link Http1ResponseWriter}.
 *
 * <p>A response head comes in one of two forms. From an HTTP/1.1 service it is the
 * {@link ResponseHead} the response was read as, converted by {@link Http2Messages}, and its
 * trailers (gRPC's {@code grpc-status}) come as the field lines of the {@link Http1End}. From an
 * HTTP/2 service it is the {@link Http2Headers} it came in, passed on as they are, and so are its
 * trailers ({@link ProxiedExchange#serverHeaders}): the codec of the service's connection
 * validated them and {@link Http2Messages#forwardable} took out the little left to take out, so
 * a head goes from one HPACK decoder to the other HPACK encoder without being written and
 * parsed again. Either way the head is held until the first data or the end, so that a
 * bodiless response is one HEADERS frame with END_STREAM.
 *
 * <p>Frames are written without a promise (a failed write resets the stream) and flushed at the
 * end of the response and of each read batch of the service; the connection consolidates those
 * flushes ({@link Http2ClientConnection#consolidatingFlushes()}). After each flush the stream's
 * send timeout is watched ({@link StreamSendTimeout}).
 */
final class Http2ResponseWriter {

    private final Http2StreamChannel stream;
    private final RequestRecord record;
    private final StreamSendTimeout sendTimeout;
    private Http2Headers pendingHeaders;
    private boolean headRequest;
    private boolean ended;

    Http2ResponseWriter(Http2StreamChannel stream, RequestRecord record, long sendMillis, Runnable sendTimedOut) {
        this.stream = stream;
        this.record = record;
        this.sendTimeout = new StreamSendTimeout(stream, sendMillis, () -> ended, sendTimedOut);
    }

    /** The request is a HEAD: a response's body, if any, is not sent. */
    void headRequest(boolean head) {
        headRequest = head;
    }

    /** Whether the response (or the stream's reset) was written to its end. */
    boolean ended() {
        return ended;
    }

    void interim(ResponseHead head) {
        Http2Headers h = Http2Messages.responseHeaders(head);
        head.release();
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, false), stream.voidPromise());
    }

    /** A final head read from an HTTP/1.1 service. */
    void head(ResponseHead head) {
        record.status(head.status());
        pendingHeaders = Http2Messages.responseHeaders(head);
        head.release();
    }

    /** A final head from an HTTP/2 service, as it came. */
    void head(int status, Http2Headers headers) {
        record.status(status);
        pendingHeaders = headers;
    }

    void content(ByteBuf content) {
        sendPendingHeaders(false);
        if (headRequest || !content.isReadable()) {
            content.release();
            return;
        }
        record.sent(content.readableBytes());
        stream.write(new DefaultHttp2DataFrame(content, false), stream.voidPromise());
    }

    /** The end of a response from an HTTP/1.1 service, with the trailers it decoded, if any. */
    void end(Http1End end) {
        Http2Headers trailers = Http2Messages.trailers(end.trailers());
        end.release();
        end(trailers);
    }

    /** The end of the response, with {@code trailers} (null: none). */
    void end(Http2Headers trailers) {
        ended = true;
        if (pendingHeaders != null && trailers == null) {
            sendPendingHeaders(true);
        } else {
            sendPendingHeaders(false);
            if (trailers != null) {
                stream.write(new DefaultHttp2HeadersFrame(trailers, true), stream.voidPromise());
            } else {
                stream.write(new DefaultHttp2DataFrame(true), stream.voidPromise());
            }
        }
        flush();
    }

    private void sendPendingHeaders(boolean endStream) {
        if (pendingHeaders != null) {
            stream.write(new DefaultHttp2HeadersFrame(pendingHeaders, endStream), stream.voidPromise());
            pendingHeaders = null;
        }
    }

    void flush() {
        stream.flush();
        sendTimeout.watch();
    }

    /**
     * Answers with an error or redirect of the proxy's own, ending the stream; when the client
     * had not finished its request ({@code requestEnded} false), the stream is then reset with
     * NO_ERROR: it may stop sending (RFC 9113 8.1), and the stream does not stay half open,
     * holding the connection, until it does.
     */
    void answer(int code, String detail, String location, boolean requestEnded) {
        byte[] body = (code + " " + HttpResponses.reason(code) + (detail == null ? "" : ": " + detail) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Http2Headers h = new DefaultHttp2Headers()
                .status(Integer.toString(code))
                .set("content-type", "text/plain; charset=utf-8")
                .setInt("content-length", body.length);
        if (location != null) {
            h.set("location", location);
        }
        record.status(code);
        record.sent(body.length);
        ended = true;
        stream.write(new DefaultHttp2HeadersFrame(h, false), stream.voidPromise());
        stream.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true));
        sendTimeout.watch();
        if (!requestEnded) {
            stream.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
    }

    /** Resets the stream with {@code error}; nothing more of the response is sent. */
    void reset(Http2Error error) {
        pendingHeaders = null;
        ended = true;
        stream.writeAndFlush(new DefaultHttp2ResetFrame(error));
    }

    /** The stream's writability changed. */
    void writabilityChanged() {
        sendTimeout.watch();
    }

    /** The stream closed. */
    void closed() {
        sendTimeout.cancel();
    }
}
