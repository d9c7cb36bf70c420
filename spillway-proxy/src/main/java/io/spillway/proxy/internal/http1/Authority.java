package io.spillway.proxy.internal.http1;


/** {@code uri-host [ ":" port ]} (RFC 3986 section 3.2.2-3.2.3) as it appears in Host and request targets. */
final class Authority {

    private Authority() {
    }

    /**
     * Whether {@code [start, end)} of {@code b} is a uri-host with an optional port; userinfo
     * ({@code @}) is refused (RFC 9110 4.2.4). {@code requirePort}: authority-form of CONNECT.
     */
    static boolean isValid(byte[] b, int start, int end, boolean requirePort) {
        int i = start;
        if (i < end && b[i] == '[') {
            int close = Http1Syntax.indexOf(b, i, end, (byte) ']');
            if (close < 0) {
                return false;
            }
            for (int j = i + 1; j < close; j++) {
                byte c = b[j];
                if (!(Character.isLetterOrDigit(c) || c == ':' || c == '.')) {
                    return false;
                }
            }
            i = close + 1;
        } else {
            i = Http1Syntax.regNameEnd(b, i, end);
        }
        if (i == end) {
            return !requirePort;
        }
        if (b[i] != ':') {
            return false;
        }
        i++;
        if (i == end) {
            return !requirePort;
        }
        for (; i < end; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
