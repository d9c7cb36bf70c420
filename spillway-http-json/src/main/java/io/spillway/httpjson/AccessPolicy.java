package io.spillway.httpjson;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The bearer-token rules (CONTRACT.md, "Management API"), for a listener configured by a
 * section with {@code listen} and {@code token} keys (e.g. {@code admin}).
 *
 * <ul>
 *   <li>A token is configured: every write needs it; reads need it too unless the listener is
 *   bound to a loopback address. A token that is presented must be right, even where none is
 *   needed, so a client with a stale token learns it at once.</li>
 *   <li>No token is configured: on a loopback listener every request is allowed (only local
 *   processes can reach it, the same trust as a local CLI); on any other listener reads and
 *   writes are refused with 403, since nothing could authenticate them.</li>
 *   <li>{@link Access#PUBLIC} routes are open to everyone, whatever is configured.</li>
 * </ul>
 *
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken
 * reveals neither the content nor the length of the configured token.
 */
public final class AccessPolicy {

    private static final String BEARER = "bearer ";

    private final byte[] tokenDigest;
    private final boolean loopback;
    private final String section;

    /**
     * @param token            the configured token; null or empty: none
     * @param loopbackListener whether the listener is bound to a loopback address
     * @param section          the configuration section of the listener, named in 403 messages
     */
    public AccessPolicy(String token, boolean loopbackListener, String section) {
        this.tokenDigest = token == null || token.isEmpty() ? null : digest(token);
        this.loopback = loopbackListener;
        this.section = Objects.requireNonNull(section, "section");
    }

    /** Null when the request may proceed, otherwise the 401 or 403 to answer. */
    public ApiResponse check(Access access, String authorization) {
        if (access == Access.PUBLIC) {
            return null;
        }
        String presented = bearer(authorization);
        if (tokenDigest == null) {
            if (loopback) {
                return null;
            }
            return ApiResponse.error(403, (access == Access.WRITE ? "writes" : "reads") + " are refused: no "
                    + section + ".token is configured and " + section + ".listen is not a loopback address");
        }
        if (presented != null) {
            return MessageDigest.isEqual(tokenDigest, digest(presented))
                    ? null : ApiResponse.error(401, "invalid bearer token");
        }
        if (access == Access.READ && loopback) {
            return null;
        }
        return ApiResponse.error(401, "missing bearer token (Authorization: Bearer TOKEN)");
    }

    /** The token of an {@code Authorization: Bearer} header; "" for a malformed header. */
    private static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.trim();
        if (h.length() < BEARER.length() || !h.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "";
        }
        return h.substring(BEARER.length()).trim();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
