package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.spillway.core.log.AccessAction;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.Http1Version;
import io.spillway.proxy.internal.http1.ResponseHead;
import io.spillway.proxy.internal.http1.ResponseHeadWriter;

/**
 * The {@code proxyToClientResponse} leg of an HTTP/1.1 client connection: writes what answers
 * the current request to the client, framed for it, and counts it on the request's
 * {@link RequestRecord}. One per connection, reused request after request ({@link #request}).
 *
 * <p>The framing follows the request: an HTTP/1.0 client gets no 1xx (RFC 9110 section 15.2);
 * the final head says {@code Connection: close} when the connection is not to be reused (the
 * client asked for it, the connection is closing, or the body ends with the connection), which
 * {@link #closesConnection()} then reports to the connection. Writes of the body carry no promise:
 * a failed write fires {@code exceptionCaught}, which closes the connection. Answers of the
 * proxy's own ({@link #answerAndClose}) and the {@code 101} that starts a tunnel
 * ({@link #switchingProtocols}) go the same way.
 */
final class Http1ResponseWriter {

    private final Channel client;
    private final RequestRecord record;
    private Http1Version version = Http1Version.HTTP_1_1;
    private boolean keepAlive;
    private boolean closesConnection;
    private boolean started;

    Http1ResponseWriter(Channel client, RequestRecord record) {
        this.client = client;
        this.record = record;
    }

    /** A new request is answered from now on: its version, and whether it asked to keep the connection. */
    void request(Http1Version requestVersion, boolean requestKeepAlive) {
        version = requestVersion;
        keepAlive = requestKeepAlive;
        closesConnection = false;
        started = false;
    }

    /** The version of the request being answered. */
    Http1Version version() {
        return version;
    }

    /** Whether the client asked to keep the connection after the current request. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Whether the final response head of the current request was written. */
    boolean started() {
        return started;
    }

    /** Whether the response written leaves the connection to be closed once it is complete. */
    boolean closesConnection() {
        return closesConnection;
    }

    /** An interim (1xx) response, flushed at once; dropped for an HTTP/1.0 client. */
    void interim(ResponseHead head) {
        if (version == Http1Version.HTTP_1_0) {
            head.release();
            return;
        }
        ByteBuf bytes = ResponseHeadWriter.write(client.alloc(), head, version, keepAlive);
        head.release();
        record.sent(bytes.readableBytes());
        client.writeAndFlush(bytes);
    }

    /** The final response head; {@code reusable}: the connection could take another request after it. */
    void head(ResponseHead head, boolean reusable) {
        boolean open = keepAlive && reusable;
        ByteBuf bytes = ResponseHeadWriter.write(client.alloc(), head, version, open);
        closesConnection = !ResponseHeadWriter.keepsClientOpen(head, version, open);
        started = true;
        record.status(head.status());
        head.release();
        record.sent(bytes.readableBytes());
        client.write(bytes, client.voidPromise());
    }

    /** A part of the final response's body. */
    void content(ByteBuf content) {
        record.sent(content.readableBytes());
        client.write(content, client.voidPromise());
    }

    /** The end of the response: everything written is flushed. */
    void end(Http1End end) {
        // chunked bodies pass through with their trailers; decoded ones go to HTTP/1.0 clients, which take none
        end.release();
        client.flush();
    }

    /** The service's {@code 101}, flushed: what follows on the connection is the tunnel's. */
    void switchingProtocols(ResponseHead response) {
        ByteBuf bytes = ResponseHeadWriter.write(client.alloc(), response, version, true);
        response.release();
        record.status(101);
        record.sent(bytes.readableBytes());
        client.writeAndFlush(bytes);
    }

    /**
     * Answers the current request with a response of the proxy's own, ends its record (as served
     * by {@code service}, null: none) and closes the connection once the answer is written.
     */
    void answerAndClose(int code, String detail, String location, AccessAction action, String service) {
        ByteBuf answer = HttpResponses.response(client.alloc(), code, detail, location);
        if (!record.isOpen()) {
            record.start(null, null, 0);
        }
        record.status(code);
        record.sent(answer.readableBytes());
        record.done(service, action);
        client.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }
}
