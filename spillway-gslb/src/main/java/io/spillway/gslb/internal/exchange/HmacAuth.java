package io.spillway.gslb.internal.exchange;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The shared-secret challenge-response of the exchange handshake. Each side sends a fresh random
 * nonce in its hello and proves knowledge of the secret with
 * {@code HMAC-SHA256(secret, "spillway-exchange/1|" + direction + "|" + ownNonce + "|" + peerNonce + "|" + ownSite + "|" + peerSite)},
 * where direction is {@code dialer} or {@code acceptor}: a proof signs both nonces, so it cannot
 * be replayed on another connection, and the direction, so it cannot be reflected back. The
 * secret never crosses the wire; proofs are compared in constant time.
 */
public final class HmacAuth {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] secret;

    /** @param secret the shared secret, or null when mutual TLS authenticates the peers */
    public HmacAuth(String secret) {
        this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
    }

    public boolean enabled() {
        return secret != null;
    }

    public static String newNonce() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The proof the side in {@code direction} sends. */
    public String proof(String direction, String ownNonce, String peerNonce, String ownSite, String peerSite) {
        if (secret == null) {
            return "";
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret, ALGORITHM));
            String input = "spillway-exchange/" + ExchangeMessage.VERSION + "|" + direction + "|" + ownNonce
                    + "|" + peerNonce + "|" + ownSite + "|" + peerSite;
            return Base64.getEncoder().encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** Whether {@code received} is the proof the peer in {@code peerDirection} had to send. */
    public boolean verify(String received, String peerDirection, String peerNonce, String ownNonce,
                          String peerSite, String ownSite) {
        if (secret == null) {
            return true;
        }
        String expected = proof(peerDirection, peerNonce, ownNonce, peerSite, ownSite);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                received == null ? new byte[0] : received.getBytes(StandardCharsets.US_ASCII));
    }
}
