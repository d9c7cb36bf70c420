package io.spillway.proxy.internal.http1;

/**
 * The request methods the proxy tells apart (RFC 9110 section 9). Any other method token is
 * {@link #OTHER}: it is forwarded as its original bytes, which stay in the head.
 */
public enum Http1Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private final byte[] name = name().getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** RFC 9110 9.2.2: a request the proxy may send again after a connection failed under it. */
    public boolean isIdempotent() {
        return this == GET || this == HEAD || this == OPTIONS || this == TRACE || this == PUT || this == DELETE;
    }

    /**
     * The method whose name is the bytes {@code [start, end)} of {@code buf}. Method names are
     * case-sensitive (RFC 9110 9.1): {@code get} is {@link #OTHER}.
     */
    static Http1Method of(byte[] buf, int start, int end) {
        int length = end - start;
        Http1Method candidate = switch (buf[start]) {
            case 'G' -> GET;
            case 'H' -> HEAD;
            case 'P' -> length == 4 ? POST : length == 3 ? PUT : PATCH;
            case 'D' -> DELETE;
            case 'C' -> CONNECT;
            case 'O' -> OPTIONS;
            case 'T' -> TRACE;
            default -> OTHER;
        };
        return candidate != OTHER && candidate.matches(buf, start, length) ? candidate : OTHER;
    }

    private boolean matches(byte[] buf, int start, int length) {
        if (length != name.length) {
            return false;
        }
        for (int i = 1; i < length; i++) {
            if (buf[start + i] != name[i]) {
                return false;
            }
        }
        return true;
    }
}
