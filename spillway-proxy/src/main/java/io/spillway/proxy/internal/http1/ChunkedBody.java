package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * The chunked transfer coding (RFC 9112 section 7.1) as a streaming state machine that checks
 * every octet of the framing and copies none of the data.
 *
 * <pre>
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   last-chunk   = 1*("0") [ chunk-ext ] CRLF
 *
 *   SIZE_LINE ──size &gt; 0──► DATA ──size octets──► DATA_CRLF ──CRLF──► SIZE_LINE
 *       └──size = 0──► TRAILERS ──empty line──► DONE
 * </pre>
 *
 * <p>A size line is bounded and parsed once it is complete: hex digits only (no sign, no
 * {@code 0x}, no whitespace before them), at most what fits in 63 bits (a size that overflows is
 * the classic way to make two parsers disagree), then nothing or chunk extensions
 * {@code ;name[=token|quoted-string]} (7.1.1), which are validated and ignored; whitespace after
 * the size is allowed only before a {@code ;}. Data must be followed by exactly CR LF. The
 * trailer section is validated like a header section ({@link FieldLines}) and bounded.
 *
 * <p>Two ways out. Passed through, the validated octets, framing included, are emitted as
 * retained slices of the input, one per call: the next hop receives the very chunks the client
 * sent, and the trailers with them. Decoded, only the chunk data is emitted, as slices, and the
 * trailer section comes with the {@link Http1End} (for a hop that frames the body itself, e.g. an
 * HTTP/1.0 client or an HTTP/2 stream). Either way no octet is emitted before it is validated, and
 * a defect stops the machine with {@link Http1Exception}.
 */
final class ChunkedBody {

    private enum State { SIZE_LINE, DATA, DATA_CRLF, TRAILERS, DONE }

    private final int maxSizeLine;
    private final int badStatus;
    private final HeadScanner trailerScanner;
    /** A size line or trailer section, copied for parsing (see {@link Http1Syntax}). */
    private byte[] scratch;
    private boolean passThrough;
    private State state = State.DONE;
    private long remaining;
    private int scanned;

    /**
     * @param maxSizeLine  the longest chunk-size line, extensions included, without CR LF
     * @param maxTrailers  the largest trailer section, in octets
     * @param badStatus    the status of a defect: 400 in a request, 502 in a response
     */
    ChunkedBody(int maxSizeLine, int maxTrailers, int badStatus) {
        this.maxSizeLine = maxSizeLine;
        this.badStatus = badStatus;
        this.trailerScanner = new HeadScanner(false, 0, maxTrailers, badStatus, badStatus, badStatus);
        this.scratch = new byte[maxSizeLine + 2];
    }

    /** Starts a new body. */
    void start(boolean passThrough) {
        this.passThrough = passThrough;
        state = State.SIZE_LINE;
        remaining = 0;
        scanned = 0;
        trailerScanner.reset();
    }

    /**
     * Consumes what it can of {@code in}, adds the body's content to {@code out} and, once the
     * body is complete, an {@link Http1End}. Returns whether the body is complete.
     */
    boolean decode(ByteBuf in, List<Object> out) {
        int rawStart = in.readerIndex();
        Http1End end = null;
        loop:
        while (true) {
            switch (state) {
                case SIZE_LINE -> {
                    int cr = sizeLineEnd(in);
                    if (cr < 0) {
                        break loop;
                    }
                    remaining = size(in, in.readerIndex(), cr);
                    in.readerIndex(cr + 2);
                    scanned = 0;
                    state = remaining == 0 ? State.TRAILERS : State.DATA;
                }
                case DATA -> {
                    int n = (int) Math.min(remaining, in.readableBytes());
                    if (n == 0) {
                        break loop;
                    }
                    if (passThrough) {
                        in.skipBytes(n);
                    } else {
                        out.add(in.readRetainedSlice(n));
                    }
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_CRLF;
                    }
                }
                case DATA_CRLF -> {
                    int readable = in.readableBytes();
                    if (readable > 0 && in.getByte(in.readerIndex()) != '\r'
                            || readable > 1 && in.getByte(in.readerIndex() + 1) != '\n') {
                        throw new Http1Exception(badStatus, "chunk data not followed by CR LF");
                    }
                    if (readable < 2) {
                        break loop;
                    }
                    in.skipBytes(2);
                    state = State.SIZE_LINE;
                }
                case TRAILERS -> {
                    int length = trailerScanner.scan(in);
                    if (length < 0) {
                        break loop;
                    }
                    FieldLines.parse(copy(in, in.readerIndex(), length), 0, length - 2, null, badStatus);
                    if (passThrough || length == 2) {
                        in.skipBytes(length);
                        end = Http1End.EMPTY;
                    } else {
                        end = new Http1End(in.readRetainedSlice(length));
                    }
                    state = State.DONE;
                }
                case DONE -> {
                    break loop;
                }
            }
        }
        if (passThrough && in.readerIndex() > rawStart) {
            out.add(in.retainedSlice(rawStart, in.readerIndex() - rawStart));
        }
        if (end != null) {
            out.add(end);
            return true;
        }
        return false;
    }

    /** The index of the CR ending the size line, or -1 while it is incomplete. */
    private int sizeLineEnd(ByteBuf in) {
        int base = in.readerIndex();
        int to = Math.min(in.readableBytes(), maxSizeLine + 2);
        int lf = to > scanned ? in.indexOf(base + scanned, base + to, (byte) '\n') : -1;
        if (lf < 0) {
            scanned = Math.max(scanned, to);
            if (in.readableBytes() >= maxSizeLine + 2) {
                throw new Http1Exception(badStatus, "chunk size line longer than " + maxSizeLine + " octets");
            }
            return -1;
        }
        if (lf == base || in.getByte(lf - 1) != '\r') {
            throw new Http1Exception(badStatus, "bare LF: lines must end in CR LF");
        }
        return lf - 1;
    }

    private byte[] copy(ByteBuf in, int from, int length) {
        if (scratch.length < length) {
            scratch = new byte[length];
        }
        in.getBytes(from, scratch, 0, length);
        return scratch;
    }

    private long size(ByteBuf in, int from, int to) {
        byte[] line = copy(in, from, to - from);
        int start = 0;
        int end = to - from;
        long size = 0;
        int i = start;
        while (i < end) {
            int digit = Character.digit(line[i], 16);
            if (digit < 0) {
                break;
            }
            if (size > (Long.MAX_VALUE >>> 4)) {
                throw new Http1Exception(badStatus, "chunk size too large");
            }
            size = (size << 4) | digit;
            i++;
        }
        if (i == start) {
            throw new Http1Exception(badStatus, "invalid chunk size");
        }
        if (i < end) {
            int next = Http1Syntax.skipOws(line, i, end);
            if (next == end || line[next] != ';') {
                throw new Http1Exception(badStatus, "invalid chunk size");
            }
            Http1Syntax.parameters(line, next, end, badStatus, "chunk extension");
        }
        return size;
    }
}
