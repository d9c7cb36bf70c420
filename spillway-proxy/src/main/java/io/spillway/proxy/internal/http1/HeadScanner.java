package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a head (or a trailer section) ends: the first empty line. It remembers how far it
 * has looked, so a head that arrives one octet at a time is scanned once, not once per octet.
 * Every line must end in CR LF: a bare LF is refused here (RFC 9112 section 2.2 lets a recipient
 * accept one; a proxy that accepted it would read a message differently from a service that
 * does not). A bare CR is refused by the parsers, since CR is valid in no token and no value.
 * The start line and the field lines are bounded separately, so that each gets its own status.
 */
final class HeadScanner {

    private final boolean hasStartLine;
    private final int maxStartLine;
    private final int maxFields;
    private final int startLineStatus;
    private final int fieldsStatus;
    private final int badStatus;

    /** All offsets are relative to the reader index of the buffer, which does not move until the head is complete. */
    private int scanned;
    private int lineStart;
    private int startLineEnd;
    private int lastStartLineEnd;

    HeadScanner(boolean hasStartLine, int maxStartLine, int maxFields, int startLineStatus, int fieldsStatus,
                int badStatus) {
        this.hasStartLine = hasStartLine;
        this.maxStartLine = maxStartLine;
        this.maxFields = maxFields;
        this.startLineStatus = startLineStatus;
        this.fieldsStatus = fieldsStatus;
        this.badStatus = badStatus;
        reset();
    }

    void reset() {
        scanned = 0;
        lineStart = 0;
        startLineEnd = hasStartLine ? -1 : 0;
    }

    /** Whether no octet of the current head has been looked at yet. */
    boolean atStart() {
        return scanned == 0;
    }

    /** The offset after the CR LF of the start line of the head found last. */
    int startLineEnd() {
        return lastStartLineEnd;
    }

    /**
     * The length of the head readable in {@code in} (up to and including its empty line), or -1
     * when it is not complete yet.
     */
    int scan(ByteBuf in) {
        int base = in.readerIndex();
        int readable = in.readableBytes();
        while (true) {
            int limit = startLineEnd < 0 ? maxStartLine + 2 : startLineEnd + maxFields + 2;
            int to = Math.min(readable, limit);
            int lf = to > scanned ? in.indexOf(base + scanned, base + to, (byte) '\n') : -1;
            if (lf < 0) {
                scanned = Math.max(scanned, to);
                if (readable >= limit) {
                    throw startLineEnd < 0
                            ? new Http1Exception(startLineStatus, "start line longer than " + maxStartLine + " octets")
                            : new Http1Exception(fieldsStatus, "header section larger than " + maxFields + " octets");
                }
                return -1;
            }
            lf -= base;
            if (lf == lineStart || in.getByte(base + lf - 1) != '\r') {
                throw new Http1Exception(badStatus, "bare LF: lines must end in CR LF");
            }
            scanned = lf + 1;
            if (startLineEnd < 0) {
                startLineEnd = lf + 1;
            } else if (lf - 1 == lineStart) {
                lastStartLineEnd = startLineEnd;
                reset();
                return lf + 1;
            }
            lineStart = lf + 1;
        }
    }
}
