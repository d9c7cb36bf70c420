package io.spillway.monitor;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Reads one HTTP/1.x response off a probe's connection, as it arrives in fragments, keeping
 * only what a monitor judges: the status code and, when asked, the body.
 *
 * <p><b>Why not Netty's codec.</b> A probe sends one fixed request and reads one response on a
 * connection it then resets. Netty's {@code HttpClientCodec} and {@code HttpObjectAggregator}
 * build, per probe, a decoder and an encoder with their state, a header map holding every header
 * as strings, response objects and a composite body buffer: about half of the allocation and a
 * good share of the CPU of an HTTP probe (bench/monitor/README.md, profile). This reader keeps one
 * small line buffer, compares the two header names it needs as bytes (no strings on the success
 * path), and, when no body is wanted, is done as soon as the head has ended.
 *
 * <p><b>What it accepts.</b> Leading empty lines are skipped; a status line is
 * {@code HTTP/d.d SP 3DIGIT [SP reason]}; lines end in CRLF or a bare LF; header lines are
 * {@code name ":" value} (obsolete folded lines are ignored). Interim 1xx responses (other than
 * 101) are skipped. The body, when wanted, is delimited as RFC 9112 says: none for 1xx, 204,
 * 304 and HEAD; chunked when {@code Transfer-Encoding} ends in {@code chunked} (chunk extensions
 * and trailers are read and dropped); otherwise {@code Content-Length} bytes (two different
 * lengths are malformed); otherwise everything until the peer closes ({@link #closed()}).
 *
 * <p><b>Bounds.</b> The head (status line and headers) is at most {@code maxHead} bytes, each chunk
 * line at most that too, and the body at most {@code maxBody} bytes, so a hostile or broken
 * service costs a bounded amount of memory. Anything outside the grammar or the bounds ends the
 * read with a {@link Rejected} whose message is the probe's error.
 *
 * <p>Not thread-safe: one reader per attempt, used on the attempt's event loop.
 */
final class HttpResponseReader {

    /** The response cannot be accepted; the message says why, as a probe error. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private enum State { STATUS_LINE, HEADERS, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, BODY, BODY_UNTIL_CLOSE, DONE }

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);

    private final boolean wantBody;
    private final boolean headRequest;
    private final int maxHead;
    private final int maxBody;

    private State state = State.STATUS_LINE;
    private byte[] line = new byte[128];
    private int lineLength;
    private int headBytes;
    private int status = -1;
    private long contentLength;
    private boolean chunked;
    private long remaining;
    private ReplyBuffer body;

    /**
     * @param wantBody    read the body too; else the response is complete when its head is
     * @param headRequest the request was HEAD: the response has no body whatever it says
     */
    HttpResponseReader(boolean wantBody, boolean headRequest, int maxHead, int maxBody) {
        this.wantBody = wantBody;
        this.headRequest = headRequest;
        this.maxHead = maxHead;
        this.maxBody = maxBody;
        startHead();
    }

    /** The status code; valid once {@link #read} or {@link #closed} has returned true. */
    int status() {
        return status;
    }

    /** The body read (empty when none was wanted or there was none). */
    ReplyBuffer body() {
        return body == null ? new ReplyBuffer(0) : body;
    }

    boolean isDone() {
        return state == State.DONE;
    }

    /**
     * Consumes what {@code in} holds (all of it, or up to the end of the response).
     *
     * @return true when the response is complete
     */
    boolean read(ByteBuf in) throws Rejected {
        while (state != State.DONE && in.isReadable()) {
            switch (state) {
                case STATUS_LINE -> {
                    if (readLine(in, true) && lineLength > 0) {
                        parseStatusLine();
                        state = State.HEADERS;
                    }
                }
                case HEADERS -> {
                    if (readLine(in, true)) {
                        if (lineLength == 0) {
                            endOfHead();
                        } else {
                            parseHeader();
                        }
                    }
                }
                case CHUNK_SIZE -> {
                    if (readLine(in, false)) {
                        long size = chunkSize();
                        if (size == 0) {
                            state = State.TRAILERS;
                        } else {
                            ensureRoom(size);
                            remaining = size;
                            state = State.CHUNK_DATA;
                        }
                    }
                }
                case CHUNK_DATA -> {
                    if (copyBody(in)) {
                        state = State.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    if (readLine(in, false)) {
                        if (lineLength != 0) {
                            throw malformed("chunk not followed by CRLF");
                        }
                        state = State.CHUNK_SIZE;
                    }
                }
                case TRAILERS -> {
                    if (readLine(in, false)) {
                        if (lineLength == 0) {
                            state = State.DONE;
                        }
                        lineLength = 0; // a trailer field: dropped
                    }
                }
                case BODY -> {
                    if (copyBody(in)) {
                        state = State.DONE;
                    }
                }
                case BODY_UNTIL_CLOSE -> {
                    int n = in.readableBytes();
                    ensureRoom(n);
                    body.append(in, n);
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        return state == State.DONE;
    }

    /**
     * The peer closed the connection.
     *
     * @return true when that completes the response (a body delimited by the close)
     */
    boolean closed() {
        if (state == State.BODY_UNTIL_CLOSE) {
            state = State.DONE;
        }
        return state == State.DONE;
    }

    private void startHead() {
        state = State.STATUS_LINE;
        headBytes = 0;
        status = -1;
        contentLength = -1;
        chunked = false;
    }

    /** Appends up to the next LF to {@link #line}; true when the line is complete (without CR LF). */
    private boolean readLine(ByteBuf in, boolean head) throws Rejected {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        int take = (lf < 0 ? in.writerIndex() : lf + 1) - in.readerIndex();
        int limit = head ? maxHead - headBytes : maxHead - lineLength;
        if (take > limit) {
            throw malformed(head ? "head larger than " + maxHead + " bytes" : "chunk line longer than " + maxHead + " bytes");
        }
        if (lineLength + take > line.length) {
            line = java.util.Arrays.copyOf(line, Math.max(line.length * 2, lineLength + take));
        }
        in.readBytes(line, lineLength, take);
        lineLength += take;
        if (head) {
            headBytes += take;
        }
        if (lf < 0) {
            return false;
        }
        lineLength--; // the LF
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
            lineLength--;
        }
        return true;
    }

    private void parseStatusLine() throws Rejected {
        byte[] l = line;
        int n = lineLength;
        boolean ok = n >= 12 && l[0] == 'H' && l[1] == 'T' && l[2] == 'T' && l[3] == 'P' && l[4] == '/'
                && digit(l[5]) && l[6] == '.' && digit(l[7]) && l[8] == ' '
                && digit(l[9]) && digit(l[10]) && digit(l[11]) && (n == 12 || l[12] == ' ');
        if (!ok) {
            throw malformed("status line " + ReplyBuffer.quote(text(0, n)));
        }
        status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
        lineLength = 0;
    }

    private void parseHeader() throws Rejected {
        byte[] l = line;
        int n = lineLength;
        lineLength = 0;
        if (l[0] == ' ' || l[0] == '\t') {
            return; // obsolete line folding: a continuation of a header we do not need
        }
        int colon = 0;
        while (colon < n && l[colon] != ':') {
            colon++;
        }
        if (colon == n || colon == 0) {
            throw malformed("header line " + ReplyBuffer.quote(text(0, n)));
        }
        int valueStart = colon + 1;
        int valueEnd = n;
        while (valueStart < valueEnd && (l[valueStart] == ' ' || l[valueStart] == '\t')) {
            valueStart++;
        }
        while (valueEnd > valueStart && (l[valueEnd - 1] == ' ' || l[valueEnd - 1] == '\t')) {
            valueEnd--;
        }
        if (nameIs(l, colon, CONTENT_LENGTH)) {
            long length = contentLength(l, valueStart, valueEnd);
            if (contentLength >= 0 && contentLength != length) {
                throw malformed("two different Content-Length headers");
            }
            contentLength = length;
        } else if (nameIs(l, colon, TRANSFER_ENCODING)) {
            // the last coding decides; chunked, if used, must be the last one
            chunked = endsWithToken(l, valueStart, valueEnd, CHUNKED);
        }
    }

    private void endOfHead() throws Rejected {
        lineLength = 0;
        if (status >= 100 && status < 200 && status != 101) {
            startHead(); // interim response: the real one follows
            return;
        }
        boolean noBody = headRequest || status < 200 || status == 204 || status == 304;
        if (!wantBody || noBody) {
            state = State.DONE;
            return;
        }
        body = new ReplyBuffer(maxBody);
        if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            ensureRoom(contentLength);
            remaining = contentLength;
            state = remaining == 0 ? State.DONE : State.BODY;
        } else {
            state = State.BODY_UNTIL_CLOSE;
        }
    }

    /** Copies up to {@link #remaining} body bytes; true when none remain. */
    private boolean copyBody(ByteBuf in) {
        int n = (int) Math.min(remaining, in.readableBytes());
        body.append(in, n);
        remaining -= n;
        return remaining == 0;
    }

    private void ensureRoom(long more) throws Rejected {
        if (body.length() + more > maxBody) {
            throw new Rejected("response larger than " + maxBody + " bytes");
        }
    }

    private long chunkSize() throws Rejected {
        int end = 0;
        while (end < lineLength && line[end] != ';' && line[end] != ' ' && line[end] != '\t') {
            end++;
        }
        if (end == 0 || end > 15) {
            throw malformed("chunk size " + ReplyBuffer.quote(text(0, lineLength)));
        }
        long size = 0;
        for (int i = 0; i < end; i++) {
            int d = Character.digit(line[i], 16);
            if (d < 0) {
                throw malformed("chunk size " + ReplyBuffer.quote(text(0, lineLength)));
            }
            size = size * 16 + d;
        }
        lineLength = 0;
        return size;
    }

    private long contentLength(byte[] l, int from, int to) throws Rejected {
        if (from == to || to - from > 18) {
            throw malformed("Content-Length " + ReplyBuffer.quote(text(from, to)));
        }
        long length = 0;
        for (int i = from; i < to; i++) {
            if (!digit(l[i])) {
                throw malformed("Content-Length " + ReplyBuffer.quote(text(from, to)));
            }
            length = length * 10 + (l[i] - '0');
        }
        return length;
    }

    private static boolean nameIs(byte[] l, int nameEnd, byte[] lowerName) {
        while (nameEnd > 0 && (l[nameEnd - 1] == ' ' || l[nameEnd - 1] == '\t')) {
            nameEnd--;
        }
        if (nameEnd != lowerName.length) {
            return false;
        }
        for (int i = 0; i < nameEnd; i++) {
            if (lower(l[i]) != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithToken(byte[] l, int from, int to, byte[] lowerToken) {
        int start = to - lowerToken.length;
        if (start < from) {
            return false;
        }
        for (int i = 0; i < lowerToken.length; i++) {
            if (lower(l[start + i]) != lowerToken[i]) {
                return false;
            }
        }
        return start == from || l[start - 1] == ',' || l[start - 1] == ' ' || l[start - 1] == '\t';
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private String text(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static Rejected malformed(String what) {
        return new Rejected("malformed HTTP response: " + what);
    }
}
