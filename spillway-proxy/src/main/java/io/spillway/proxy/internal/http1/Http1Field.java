package io.spillway.proxy.internal.http1;


import java.nio.charset.StandardCharsets;

/**
 * The header fields the proxy acts on, recognised by their name bytes without a {@code String}.
 * Every other field is {@link #OTHER} and is forwarded as its original bytes. A kind is a small
 * int so that a head can keep one per field in a {@code byte[]}.
 */
public final class Http1Field {

    public static final int OTHER = 0;
    public static final int HOST = 1;
    public static final int CONNECTION = 2;
    public static final int CONTENT_LENGTH = 3;
    public static final int TRANSFER_ENCODING = 4;
    public static final int UPGRADE = 5;
    public static final int EXPECT = 6;
    public static final int KEEP_ALIVE = 7;
    public static final int TE = 8;
    public static final int TRAILER = 9;
    public static final int PROXY_CONNECTION = 10;
    /** Any other {@code Proxy-*} field, e.g. {@code Proxy-Authorization}: end to end, forwarded. */
    public static final int PROXY_OTHER = 11;
    public static final int X_FORWARDED_FOR = 12;
    public static final int X_FORWARDED_PROTO = 13;
    public static final int X_FORWARDED_HOST = 14;
    public static final int X_FORWARDED_PORT = 15;
    /** Any other {@code X-Forwarded-*} field: forwarded. */
    public static final int X_FORWARDED_OTHER = 16;
    public static final int FORWARDED = 17;
    public static final int VIA = 18;

    private static final byte[] HOST_NAME = ascii("host");
    private static final byte[] CONNECTION_NAME = ascii("connection");
    private static final byte[] CONTENT_LENGTH_NAME = ascii("content-length");
    private static final byte[] TRANSFER_ENCODING_NAME = ascii("transfer-encoding");
    private static final byte[] UPGRADE_NAME = ascii("upgrade");
    private static final byte[] EXPECT_NAME = ascii("expect");
    private static final byte[] KEEP_ALIVE_NAME = ascii("keep-alive");
    private static final byte[] TE_NAME = ascii("te");
    private static final byte[] TRAILER_NAME = ascii("trailer");
    private static final byte[] PROXY_PREFIX = ascii("proxy-");
    private static final byte[] PROXY_CONNECTION_NAME = ascii("proxy-connection");
    private static final byte[] X_FORWARDED_PREFIX = ascii("x-forwarded-");
    private static final byte[] X_FORWARDED_FOR_NAME = ascii("x-forwarded-for");
    private static final byte[] X_FORWARDED_PROTO_NAME = ascii("x-forwarded-proto");
    private static final byte[] X_FORWARDED_HOST_NAME = ascii("x-forwarded-host");
    private static final byte[] X_FORWARDED_PORT_NAME = ascii("x-forwarded-port");
    private static final byte[] FORWARDED_NAME = ascii("forwarded");
    private static final byte[] VIA_NAME = ascii("via");

    private Http1Field() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The kind of the field named by {@code [start, end)} of {@code buf} (a validated token). */
    static int kind(byte[] buf, int start, int end) {
        int length = end - start;
        if (length < 2) {
            return OTHER;
        }
        return switch (Http1Syntax.lower(buf[start])) {
            case 'h' -> is(buf, start, end, HOST_NAME) ? HOST : OTHER;
            case 'c' -> is(buf, start, end, CONNECTION_NAME) ? CONNECTION
                    : is(buf, start, end, CONTENT_LENGTH_NAME) ? CONTENT_LENGTH : OTHER;
            case 't' -> is(buf, start, end, TRANSFER_ENCODING_NAME) ? TRANSFER_ENCODING
                    : is(buf, start, end, TE_NAME) ? TE
                    : is(buf, start, end, TRAILER_NAME) ? TRAILER : OTHER;
            case 'u' -> is(buf, start, end, UPGRADE_NAME) ? UPGRADE : OTHER;
            case 'e' -> is(buf, start, end, EXPECT_NAME) ? EXPECT : OTHER;
            case 'k' -> is(buf, start, end, KEEP_ALIVE_NAME) ? KEEP_ALIVE : OTHER;
            case 'f' -> is(buf, start, end, FORWARDED_NAME) ? FORWARDED : OTHER;
            case 'v' -> is(buf, start, end, VIA_NAME) ? VIA : OTHER;
            case 'p' -> proxyKind(buf, start, end);
            case 'x' -> forwardedKind(buf, start, end);
            default -> OTHER;
        };
    }

    private static int proxyKind(byte[] buf, int start, int end) {
        if (!hasPrefix(buf, start, end, PROXY_PREFIX)) {
            return OTHER;
        }
        return is(buf, start, end, PROXY_CONNECTION_NAME) ? PROXY_CONNECTION : PROXY_OTHER;
    }

    private static int forwardedKind(byte[] buf, int start, int end) {
        if (!hasPrefix(buf, start, end, X_FORWARDED_PREFIX)) {
            return OTHER;
        }
        return is(buf, start, end, X_FORWARDED_FOR_NAME) ? X_FORWARDED_FOR
                : is(buf, start, end, X_FORWARDED_PROTO_NAME) ? X_FORWARDED_PROTO
                : is(buf, start, end, X_FORWARDED_HOST_NAME) ? X_FORWARDED_HOST
                : is(buf, start, end, X_FORWARDED_PORT_NAME) ? X_FORWARDED_PORT : X_FORWARDED_OTHER;
    }

    private static boolean is(byte[] buf, int start, int end, byte[] lower) {
        return Http1Syntax.equalsIgnoreCase(buf, start, end, lower);
    }

    private static boolean hasPrefix(byte[] buf, int start, int end, byte[] lower) {
        return end - start > lower.length && Http1Syntax.equalsIgnoreCase(buf, start, start + lower.length, lower);
    }

    /**
     * RFC 9110 section 7.6.1: fields that describe one connection and are never forwarded
     * ({@code Transfer-Encoding} is the framing of the message and is handled by the writers).
     */
    static boolean isHopByHop(int kind) {
        return kind == CONNECTION || kind == KEEP_ALIVE || kind == PROXY_CONNECTION || kind == TE || kind == UPGRADE;
    }
}
