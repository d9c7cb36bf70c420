package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * Responses the proxy writes itself, as HTTP/1.1 bytes: errors (400, 405, 408, 413, 414, 429, 431,
 * 501, 502, 503, 504, 505) and the S5 redirect. Each carries a short text body and
 * {@code Connection: close}: the client connection is closed after it, so that nothing left
 * unread of the request can be taken for the next one.
 */
final class HttpResponses {

    private HttpResponses() {
    }

    /**
     * An answer of the proxy's own: {@code status} with {@code detail} as its text, and a
     * {@code Location} when {@code location} is not null (a 302, SPEC S5: the chain is full; the
     * client goes to the URL that bypasses the appliance).
     */
    static ByteBuf response(ByteBufAllocator alloc, int status, String detail, String location) {
        String reason = reason(status);
        String body = status + " " + reason + (detail == null ? "" : ": " + detail) + "\n";
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder head = new StringBuilder(160)
                .append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Length: ").append(length).append("\r\n");
        if (location != null) {
            head.append("Location: ").append(location).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteBuf out = alloc.buffer(head.length() + length);
        ByteBufUtil.writeAscii(out, head);
        ByteBufUtil.writeUtf8(out, body);
        return out;
    }

    static String reason(int status) {
        return switch (status) {
            case 302 -> "Found";
            case 400 -> "Bad Request";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }
}
