package io.spillway.core.log;

import java.util.Locale;

/** What the appliance did with a request or connection: the access log's {@code action} field. */
public enum AccessAction {
    /** Proxied to a service (or answered by the proxy itself, e.g. a 502 when no service answered). */
    SERVED,
    /** The chain was full and its {@code whenFull} is redirect: the client got a 302 (S5). */
    REDIRECT,
    /** The chain was full and its {@code whenFull} is drop, or a limit closed it at accept (S5). */
    DROP;

    /** {@code served}, {@code redirect}, {@code drop}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
