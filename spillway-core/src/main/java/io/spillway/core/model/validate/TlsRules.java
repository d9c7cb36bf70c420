package io.spillway.core.model.validate;

import io.spillway.core.model.TlsPolicy;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A TLS policy offers versions this appliance has (TLS 1.3 and 1.2: RFC 8996 retired 1.0 and
 * 1.1), cipher suites spelt by their IANA names, and for every version it offers at least one
 * suite of that version, so that no handshake can fail for want of one. Whether the TLS provider
 * in use implements each suite is checked when the context is built, with the names it lacks in
 * the error.
 */
final class TlsRules {

    private static final Pattern CIPHER_NAME = Pattern.compile("TLS_[A-Z0-9_]+");

    private TlsRules() {
    }

    static void check(TlsPolicy policy, String at, Findings out) {
        if (policy == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (String p : policy.protocols()) {
            if (!TlsPolicy.KNOWN_PROTOCOLS.contains(p)) {
                out.add(at + ".protocols", "'" + p + "' is not offered; one of " + String.join(", ", TlsPolicy.KNOWN_PROTOCOLS)
                        + (p.matches("(?i)(TLSv1(\\.[01])?|SSLv[23])") ? " (RFC 8996 retired TLS 1.0 and 1.1)" : ""));
            } else if (!seen.add(p)) {
                out.add(at + ".protocols", "'" + p + "' is listed twice");
            }
        }
        boolean tls13 = false;
        boolean tls12 = false;
        for (String c : policy.ciphers()) {
            if (!CIPHER_NAME.matcher(c).matches()) {
                out.add(at + ".ciphers", "'" + c + "' is not an IANA cipher suite name (like TLS_AES_128_GCM_SHA256"
                        + " or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
            } else if (TlsPolicy.isTls13Suite(c)) {
                tls13 = true;
            } else {
                tls12 = true;
            }
        }
        if (policy.protocols().contains("TLSv1.3") && !tls13) {
            out.add(at + ".ciphers", "TLSv1.3 is offered but no TLS 1.3 suite is listed (e.g. TLS_AES_128_GCM_SHA256)");
        }
        if (policy.protocols().contains("TLSv1.2") && !tls12) {
            out.add(at + ".ciphers", "TLSv1.2 is offered but no TLS 1.2 suite is listed"
                    + " (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
        }
    }
}
