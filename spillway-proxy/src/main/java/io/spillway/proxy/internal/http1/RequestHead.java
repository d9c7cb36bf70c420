package io.spillway.proxy.internal.http1;

/**
 * A request head (RFC 9112 section 3): method, target, version and fields as offsets into the
 * original bytes, and the facts the proxy decides on. Made by {@link RequestHeadParser}.
 */
public final class RequestHead extends Http1Head {

    Http1Method method;
    int methodEnd;
    int targetStart;
    int targetEnd;
    RequestTargetForm form;
    int authorityStart;
    int authorityEnd;
    int pathStart;
    int hostStart;
    int hostEnd;
    int hostCount;
    boolean expectContinue;
    boolean upgrade;
    boolean keepAlive;

    /** A head for {@link RequestHeadParser#parse}, not returned to any decoder when released. */
    public RequestHead() {
        this(null);
    }

    RequestHead(HeadOwner owner) {
        super(owner);
    }

    @Override
    void reset(io.netty.buffer.ByteBuf bytes, int start, int end) {
        super.reset(bytes, start, end);
        method = null;
        form = null;
        authorityStart = -1;
        authorityEnd = -1;
        pathStart = -1;
        hostStart = -1;
        hostEnd = -1;
        hostCount = 0;
        expectContinue = false;
        upgrade = false;
        keepAlive = false;
    }

    /** The method; {@link Http1Method#OTHER} for one the proxy does not tell apart (see {@link #methodEnd()}). */
    public Http1Method method() {
        return method;
    }

    /** The method's name is {@code [start(), methodEnd())} of the bytes. */
    public int methodEnd() {
        return at(methodEnd);
    }

    public boolean isHead() {
        return method == Http1Method.HEAD;
    }

    public boolean isConnect() {
        return method == Http1Method.CONNECT;
    }

    public int targetStart() {
        return at(targetStart);
    }

    public int targetEnd() {
        return at(targetEnd);
    }

    public RequestTargetForm targetForm() {
        return form;
    }

    /**
     * Where the target in origin-form starts: the path of an absolute-form target (which may be
     * empty or start with {@code ?}: the writer then puts a {@code /} before it), the target
     * itself otherwise.
     */
    public int pathStart() {
        return at(pathStart);
    }

    /**
     * The authority of the request as offsets: the target's for an absolute-form or
     * authority-form target, else the {@code Host} value; -1 when there is neither.
     */
    public int authorityStart() {
        return at(authorityStart);
    }

    public int authorityEnd() {
        return at(authorityEnd);
    }

    /** The value of the {@code Host} field, or -1 when there is none. */
    public int hostStart() {
        return at(hostStart);
    }

    public int hostEnd() {
        return at(hostEnd);
    }

    /** RFC 9112 section 9.3: whether the client connection stays open after this exchange. */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** {@code Expect: 100-continue} on an HTTP/1.1 request (RFC 9110 section 10.1.1). */
    public boolean expectsContinue() {
        return expectContinue;
    }

    /**
     * An HTTP/1.1 request with an {@code Upgrade} field and the {@code upgrade} connection option
     * (RFC 9110 section 7.8); the requested protocols are {@code [upgradeStart(), upgradeEnd())}.
     */
    public boolean isUpgrade() {
        return upgrade;
    }

    /** The target as a String; allocates. */
    public String target() {
        return string(targetStart(), targetEnd());
    }

    /** The authority (see {@link #authorityStart()}) as a String, or null; allocates. */
    public String authority() {
        return authorityStart < 0 ? null : string(authorityStart(), authorityEnd());
    }
}
