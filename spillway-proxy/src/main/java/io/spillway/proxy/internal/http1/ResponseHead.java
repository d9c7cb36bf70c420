package io.spillway.proxy.internal.http1;

/**
 * A response head (RFC 9112 section 4): status and fields as offsets into the original bytes,
 * and the framing of its body given the method of the request it answers. Made by
 * {@link ResponseHeadParser}.
 */
public final class ResponseHead extends Http1Head {

    int status;
    int reasonStart;
    int reasonEnd;
    Http1Method requestMethod;
    boolean keepAlive;

    /** A head for {@link ResponseHeadParser#parse}, not returned to any decoder when released. */
    public ResponseHead() {
        this(null);
    }

    ResponseHead(HeadOwner owner) {
        super(owner);
    }

    @Override
    void reset(io.netty.buffer.ByteBuf bytes, int start, int end) {
        super.reset(bytes, start, end);
        status = 0;
        reasonStart = -1;
        reasonEnd = -1;
        requestMethod = null;
        keepAlive = false;
    }

    public int status() {
        return status;
    }

    /** The reason phrase is {@code [reasonStart(), reasonEnd())}; it may be empty. */
    public int reasonStart() {
        return at(reasonStart);
    }

    public int reasonEnd() {
        return at(reasonEnd);
    }

    /** The method of the request this response answers. */
    public Http1Method requestMethod() {
        return requestMethod;
    }

    /** A 1xx other than 101: an interim response, the final one follows (RFC 9110 section 15.2). */
    public boolean isInterim() {
        return status < 200 && status != 101;
    }

    /** 101: the connection leaves HTTP after this head (RFC 9110 section 15.2.2). */
    public boolean isSwitchingProtocols() {
        return status == 101;
    }

    /**
     * RFC 9112 section 9.3: whether the service connection may carry another request after this
     * response (no {@code close}, HTTP/1.1 or 1.0 with {@code keep-alive}, not close-delimited).
     */
    public boolean keepAlive() {
        return keepAlive;
    }
}
