package io.spillway.proxy;

import io.spillway.core.model.validate.DomainNames;

/**
 * The first request line of a connection to the GSLB resolve endpoint when it asks for
 * {@code /go/{domain}/{path}?{query}} (SPEC G6, CONTRACT "Resolution endpoint"): the domain, and
 * the same line with the target {@code /{path}?{query}} the chosen branch is to see.
 *
 * <p>The path and query after the domain are kept as sent, undecoded, as the endpoint's
 * {@code 302} keeps them: {@code /go/D} and {@code /go/D/} become {@code /}, {@code /go/D?q}
 * becomes {@code /?q}. The domain may be percent-encoded, as the endpoint allows; decoded, it
 * must be a DNS name ({@link DomainNames}).
 *
 * <p>Only what tells a {@code /go/} request from another is checked here: a method, a space, an
 * origin-form target of visible ASCII under {@code /go/}, a space. Anything else of the line
 * (the method's octets, the version) is the HTTP engine's decoder's to judge once the rewritten
 * line reaches it. A line that does not parse is not a {@code /go/} request for the data plane:
 * the JSON endpoint answers it as it always did ({@code 400} for a malformed {@code /go/} path,
 * {@code 404} for a name that cannot be a domain).
 *
 * @param domain the domain, lower case, without a trailing dot
 * @param line   the request line with the rewritten target, without its line end
 */
record GoTarget(String domain, String line) {

    static final String GO = "/go/";

    /** @param line a request line without its line end (CR LF or LF); null: not a {@code /go/} request */
    static GoTarget parse(String line) {
        int methodEnd = line.indexOf(' ');
        if (methodEnd <= 0) {
            return null;
        }
        int targetEnd = line.indexOf(' ', methodEnd + 1);
        if (targetEnd < 0) {
            return null;
        }
        String target = line.substring(methodEnd + 1, targetEnd);
        if (!target.startsWith(GO) || !visibleAscii(target)) {
            return null;
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String rest = rawPath.substring(GO.length());
        int slash = rest.indexOf('/');
        String domain = decoded(slash < 0 ? rest : rest.substring(0, slash));
        if (domain == null || !DomainNames.isValid(domain)) {
            return null;
        }
        String rewritten = (slash < 0 ? "/" : rest.substring(slash)) + (q < 0 ? "" : target.substring(q));
        return new GoTarget(DomainNames.canonical(domain),
                line.substring(0, methodEnd + 1) + rewritten + line.substring(targetEnd));
    }

    private static boolean visibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** {@code raw} with its {@code %XX} escapes decoded; null when one is malformed or not ASCII. */
    private static String decoded(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
            if (lo < 0 || hi >= 8) {
                return null;
            }
            out.append((char) (hi * 16 + lo));
            i += 2;
        }
        return out.toString();
    }
}
