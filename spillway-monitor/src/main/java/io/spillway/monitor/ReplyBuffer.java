package io.spillway.monitor;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes a probe has received so far, bounded in size, searchable for the expected content
 * as bytes (so a UTF-8 {@code expectBody} matches a UTF-8 reply exactly).
 */
final class ReplyBuffer {

    private final int limit;
    private byte[] bytes;
    private int length;

    ReplyBuffer(int limit) {
        this.limit = limit;
        this.bytes = new byte[Math.min(256, limit)];
    }

    /** @return false when the reply would exceed the limit (nothing is appended then) */
    boolean append(ByteBuf buf) {
        return append(buf, buf.readableBytes());
    }

    /** Appends the next {@code n} readable bytes of {@code buf}; false (nothing appended) beyond the limit. */
    boolean append(ByteBuf buf, int n) {
        if (length + n > limit) {
            return false;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(bytes.length * 2, length + n)));
        }
        buf.readBytes(bytes, length, n);
        length += n;
        return true;
    }

    int length() {
        return length;
    }

    boolean contains(byte[] needle) {
        if (needle.length == 0) {
            return true;
        }
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    String text() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** A quoted, shortened rendering of expected content for error messages. */
    static String quote(String s) {
        String one = s.replace("\r", "\\r").replace("\n", "\\n");
        return "'" + (one.length() <= 40 ? one : one.substring(0, 40) + "...") + "'";
    }
}
