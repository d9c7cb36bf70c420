package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.ReferenceCounted;

import java.nio.charset.StandardCharsets;

/**
 * A parsed message head: its original bytes and, as offsets into them, the start line and each
 * field line. Nothing is copied out of the bytes; a field the proxy acts on is recognised by its
 * name ({@link Http1Field}) and its meaning decoded into the facts below.
 *
 * <p>Offsets are indexes into {@link #bytes()}, the buffer the head was received in (retained,
 * not copied nor sliced: a keep-alive request allocates nothing), where the head is
 * {@code [start(), end())}. Per field line {@code i}: the name is {@code [nameStart(i), nameEnd(i))}, the value
 * without surrounding whitespace {@code [valueStart(i), valueEnd(i))}, and the whole line with
 * its CRLF {@code [nameStart(i), lineEnd(i))}.
 *
 * <p>A head is reference counted and, once released, goes back to its thread's
 * {@link SpareHeads} for the next message parsed there: release it on the channel's event loop,
 * and keep no reference to it afterwards.
 */
public abstract sealed class Http1Head implements ReferenceCounted permits RequestHead, ResponseHead {

    private static final int PER_FIELD = 5;

    ByteBuf bytes;
    int start;
    int end;
    Http1Version version;
    Http1Framing framing;
    int fieldCount;
    int[] fields = new int[16 * PER_FIELD];
    byte[] kinds = new byte[16];
    long contentLength;
    /** Content-Length came as several fields or as a list of equal values: forwarded as one (RFC 9112 6.3). */
    boolean contentLengthRepeated;
    boolean transferEncoding;
    /** The last transfer coding seen so far is chunked. */
    boolean chunkedLast;
    int chunkedCount;
    boolean connectionClose;
    boolean connectionKeepAlive;
    boolean connectionUpgrade;
    /*
     * Offsets below, in fields and in the subclasses' fields, are relative to start: the parsers
     * work on a copy of the head. The public accessors add start.
     */
    /** Connection options other than close, keep-alive and upgrade: pairs of offsets. */
    int[] connectionOptions = new int[8];
    int connectionOptionCount;
    int upgradeStart;
    int upgradeEnd;

    private int refCnt;
    private final HeadOwner owner;

    Http1Head(HeadOwner owner) {
        this.owner = owner;
    }

    void reset(ByteBuf bytes, int start, int end) {
        this.bytes = bytes;
        this.start = start;
        this.end = end;
        this.refCnt = 1;
        version = null;
        framing = Http1Framing.NONE;
        fieldCount = 0;
        contentLength = -1;
        contentLengthRepeated = false;
        transferEncoding = false;
        chunkedLast = false;
        chunkedCount = 0;
        connectionClose = false;
        connectionKeepAlive = false;
        connectionUpgrade = false;
        connectionOptionCount = 0;
        upgradeStart = -1;
        upgradeEnd = -1;
    }

    void addField(int kind, int nameStart, int nameEnd, int valueStart, int valueEnd, int lineEnd) {
        if (fieldCount == kinds.length) {
            fields = java.util.Arrays.copyOf(fields, fields.length * 2);
            kinds = java.util.Arrays.copyOf(kinds, kinds.length * 2);
        }
        int at = fieldCount * PER_FIELD;
        fields[at] = nameStart;
        fields[at + 1] = nameEnd;
        fields[at + 2] = valueStart;
        fields[at + 3] = valueEnd;
        fields[at + 4] = lineEnd;
        kinds[fieldCount] = (byte) kind;
        fieldCount++;
    }

    void addConnectionOption(int start, int end) {
        if (connectionOptionCount * 2 == connectionOptions.length) {
            connectionOptions = java.util.Arrays.copyOf(connectionOptions, connectionOptions.length * 2);
        }
        connectionOptions[connectionOptionCount * 2] = start;
        connectionOptions[connectionOptionCount * 2 + 1] = end;
        connectionOptionCount++;
    }

    /**
     * The buffer holding the head's original bytes at {@code [start(), end())}, from the start line
     * to the empty line that ends it, inclusive. Read it with absolute indexes; do not change it.
     */
    public ByteBuf bytes() {
        return bytes;
    }

    /** The index of the first octet of the start line in {@link #bytes()}. */
    public int start() {
        return start;
    }

    /** The index after the empty line that ends the head. */
    public int end() {
        return end;
    }

    /** The number of octets of the head. */
    public int length() {
        return end - start;
    }

    public Http1Version version() {
        return version;
    }

    /** How the body that follows this head is delimited. */
    public Http1Framing framing() {
        return framing;
    }

    /** The {@code Content-Length}, or -1 when the message has none. */
    public long contentLength() {
        return contentLength;
    }

    /**
     * Whether {@code Content-Length} came as several fields or a list (all equal, or the parser
     * would have refused the message): the writers then send it as one field with one value,
     * as RFC 9112 section 6.3 asks of a recipient that forwards such a message.
     */
    public boolean contentLengthRepeated() {
        return contentLengthRepeated;
    }

    /** Whether the body is framed by the chunked transfer coding. */
    public boolean isChunked() {
        return framing == Http1Framing.CHUNKED;
    }

    /** Whether the message carries a {@code Transfer-Encoding} field. */
    public boolean hasTransferEncoding() {
        return transferEncoding;
    }

    /** Whether {@code Connection} holds the {@code close} option. */
    public boolean connectionClose() {
        return connectionClose;
    }

    /** Whether {@code Connection} holds the {@code upgrade} option. */
    public boolean connectionUpgrade() {
        return connectionUpgrade;
    }

    public int fieldCount() {
        return fieldCount;
    }

    /** The {@link Http1Field} kind of field line {@code i}. */
    public int fieldKind(int i) {
        return kinds[i];
    }

    public int nameStart(int i) {
        return start + fields[i * PER_FIELD];
    }

    public int nameEnd(int i) {
        return start + fields[i * PER_FIELD + 1];
    }

    public int valueStart(int i) {
        return start + fields[i * PER_FIELD + 2];
    }

    public int valueEnd(int i) {
        return start + fields[i * PER_FIELD + 3];
    }

    public int lineEnd(int i) {
        return start + fields[i * PER_FIELD + 4];
    }

    /** {@code offset} (relative to the head's start, -1 for none) as an index into {@link #bytes()}. */
    int at(int offset) {
        return offset < 0 ? -1 : start + offset;
    }

    /** The offset of the first field line (the end of the start line and its CRLF). */
    public int fieldsStart() {
        return fieldCount == 0 ? end - 2 : nameStart(0);
    }

    /** The value of the first {@code Upgrade} field as offsets, or -1 when there is none. */
    public int upgradeStart() {
        return at(upgradeStart);
    }

    public int upgradeEnd() {
        return at(upgradeEnd);
    }

    /**
     * The value of the first field named {@code name} (ASCII, any case), or null. Allocates:
     * for tests, logs and the slow path.
     */
    public String field(String name) {
        byte[] lower = Http1Field.ascii(name.toLowerCase(java.util.Locale.ROOT));
        for (int i = 0; i < fieldCount; i++) {
            if (Http1Syntax.equalsIgnoreCase(bytes, nameStart(i), nameEnd(i), lower)) {
                return string(valueStart(i), valueEnd(i));
            }
        }
        return null;
    }

    /** Whether the field line {@code i} is named by an option of {@code Connection} (RFC 9110 7.6.1). */
    public boolean isNamedByConnection(int i) {
        for (int o = 0; o < connectionOptionCount; o++) {
            if (Http1Syntax.regionsEqualIgnoreCase(bytes, nameStart(i), nameEnd(i),
                    start + connectionOptions[o * 2], start + connectionOptions[o * 2 + 1])) {
                return true;
            }
        }
        return false;
    }

    /** {@code [start, end)} of the head as a String (ISO-8859-1); allocates. */
    public String string(int start, int end) {
        return bytes.toString(start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public int refCnt() {
        return refCnt;
    }

    @Override
    public Http1Head retain() {
        return retain(1);
    }

    @Override
    public Http1Head retain(int increment) {
        if (refCnt <= 0 || increment <= 0) {
            throw new IllegalReferenceCountException(refCnt, increment);
        }
        refCnt += increment;
        return this;
    }

    @Override
    public Http1Head touch() {
        return this;
    }

    @Override
    public Http1Head touch(Object hint) {
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        if (decrement <= 0 || refCnt < decrement) {
            throw new IllegalReferenceCountException(refCnt, -decrement);
        }
        refCnt -= decrement;
        if (refCnt > 0) {
            return false;
        }
        ByteBuf b = bytes;
        bytes = null;
        b.release();
        if (owner != null) {
            owner.giveBack(this);
        }
        return true;
    }
}
