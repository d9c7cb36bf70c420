package io.spillway.proxy.internal.http1;

import io.netty.buffer.ByteBuf;

/**
 * Octet classes of the HTTP/1.1 grammar (RFC 9110 section 5.6.2, RFC 9112 sections 3 and 5),
 * as lookup tables, and the small scanners the parsers share. The parsers scan a copy of the
 * head in a {@code byte[]} (one copy of a few hundred octets costs less than a bounds and
 * reference-count check per octet through {@code ByteBuf.getByte}); offsets are the same.
 */
final class Http1Syntax {

    /** tchar: the octets of a token (method, field name, coding, chunk extension name). */
    private static final boolean[] TCHAR = new boolean[256];
    /** field-vchar / SP / HTAB: what a field value may hold; CTLs (NUL, CR, LF...) and DEL may not. */
    private static final boolean[] FIELD_OCTET = new boolean[256];
    /** The octets of a request target: visible US-ASCII only (RFC 3986 has no others). */
    private static final boolean[] TARGET_OCTET = new boolean[256];
    /** reg-name, IP-literal and port octets of a uri-host [ ":" port ] (RFC 3986 section 3.2). */
    private static final boolean[] AUTHORITY_OCTET = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        FIELD_OCTET['\t'] = true;
        for (int c = ' '; c < 0x7F; c++) {
            FIELD_OCTET[c] = true;
        }
        for (int c = 0x80; c < 0x100; c++) {
            FIELD_OCTET[c] = true;
        }
        for (int c = 0x21; c < 0x7F; c++) {
            TARGET_OCTET[c] = true;
        }
        for (int c = 0; c < 0x80; c++) {
            AUTHORITY_OCTET[c] = Character.isLetterOrDigit(c);
        }
        for (char c : "-._~%!$&'()*+,;=:[]".toCharArray()) {
            AUTHORITY_OCTET[c] = true;
        }
    }

    private Http1Syntax() {
    }

    static boolean isFieldOctet(byte b) {
        return FIELD_OCTET[b & 0xFF];
    }

    /** The first index in {@code [from, end)} that cannot be in a reg-name (RFC 3986 3.2.2), or {@code end}. */
    static int regNameEnd(byte[] buf, int from, int end) {
        int i = from;
        while (i < end && AUTHORITY_OCTET[buf[i] & 0xFF] && buf[i] != ':' && buf[i] != '[' && buf[i] != ']') {
            i++;
        }
        return i;
    }

    static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    /** Whether {@code [start, end)} of {@code buf} equals {@code lower}, ASCII case-insensitively. */
    static boolean equalsIgnoreCase(ByteBuf buf, int start, int end, byte[] lower) {
        if (end - start != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if (lower(buf.getByte(start + i)) != lower[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code [aStart, aEnd)} and {@code [bStart, bEnd)} of {@code buf} are equal, ASCII case-insensitively. */
    static boolean regionsEqualIgnoreCase(ByteBuf buf, int aStart, int aEnd, int bStart, int bEnd) {
        if (aEnd - aStart != bEnd - bStart) {
            return false;
        }
        for (int i = 0; i < aEnd - aStart; i++) {
            if (lower(buf.getByte(aStart + i)) != lower(buf.getByte(bStart + i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code [start, end)} of {@code buf} equals {@code lower}, ASCII case-insensitively. */
    static boolean equalsIgnoreCase(byte[] buf, int start, int end, byte[] lower) {
        if (end - start != lower.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            if (lower(buf[start + i]) != lower[i]) {
                return false;
            }
        }
        return true;
    }


    /** The index of the first {@code value} in {@code [from, to)}, or -1. */
    static int indexOf(byte[] buf, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (buf[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first octet in {@code [from, to)} that is not a field-value octet, or -1. */
    static int firstNonFieldOctet(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!FIELD_OCTET[buf[i] & 0xFF]) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first octet in {@code [from, to)} that cannot be in a request target, or -1. */
    static int firstNonTargetOctet(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!TARGET_OCTET[buf[i] & 0xFF]) {
                return i;
            }
        }
        return -1;
    }

    /** The first index at or after {@code from} (up to {@code end}) whose octet is not OWS. */
    static int skipOws(byte[] buf, int from, int end) {
        int i = from;
        while (i < end && isOws(buf[i])) {
            i++;
        }
        return i;
    }

    /** The end of {@code [start, end)} without its trailing OWS. */
    static int trimOws(byte[] buf, int start, int end) {
        int i = end;
        while (i > start && isOws(buf[i - 1])) {
            i--;
        }
        return i;
    }

    /** The end of the token starting at {@code from}: the first index that is not a tchar. */
    static int tokenEnd(byte[] buf, int from, int end) {
        int i = from;
        while (i < end && TCHAR[buf[i] & 0xFF]) {
            i++;
        }
        return i;
    }

    /**
     * Validates {@code *( OWS ";" OWS name [ OWS "=" OWS ( token / quoted-string ) ] )} from
     * {@code from} to {@code end}: chunk extensions (RFC 9112 section 7.1.1) and transfer-coding
     * parameters (RFC 9110 section 10.1.4; there the value is required, a distinction not worth
     * a second grammar). Returns normally or throws with {@code status}.
     */
    static void parameters(byte[] buf, int from, int end, int status, String what) {
        int i = skipOws(buf, from, end);
        while (i < end) {
            if (buf[i] != ';') {
                throw new Http1Exception(status, "invalid " + what);
            }
            i = skipOws(buf, i + 1, end);
            int nameEnd = tokenEnd(buf, i, end);
            if (nameEnd == i) {
                throw new Http1Exception(status, "invalid " + what + " name");
            }
            i = skipOws(buf, nameEnd, end);
            if (i < end && buf[i] == '=') {
                i = skipOws(buf, i + 1, end);
                int valueEnd = i < end && buf[i] == '"'
                        ? quotedStringEnd(buf, i, end, status, what) : tokenEnd(buf, i, end);
                if (valueEnd == i) {
                    throw new Http1Exception(status, "invalid " + what + " value");
                }
                i = skipOws(buf, valueEnd, end);
            }
        }
    }

    /** RFC 9110 5.6.4: the index after the closing quote of the quoted-string opening at {@code start}. */
    private static int quotedStringEnd(byte[] buf, int start, int end, int status, String what) {
        int i = start + 1;
        while (i < end) {
            byte b = buf[i];
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\') {
                i++;
                if (i == end || !isFieldOctet(buf[i])) {
                    break;
                }
            } else if (!isFieldOctet(b)) {
                break;
            }
            i++;
        }
        throw new Http1Exception(status, "invalid quoted-string in " + what);
    }
}
