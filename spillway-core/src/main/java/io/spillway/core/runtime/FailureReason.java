package io.spillway.core.runtime;

import java.util.Locale;

/**
 * Why an attempt to use a service failed, as the proxy tells it
 * ({@link Service#recordFailure(FailureReason)}); the {@code reason} label of
 * {@code spillway_service_failures_total}.
 */
public enum FailureReason {
    /** The connection was refused or could not be made within the connect timeout. */
    CONNECT,
    /** The service took longer than {@code timeouts.server} to answer (or between reads). */
    TIMEOUT,
    /** The service closed or reset the connection before its response was complete. */
    RESET,
    /** The service answered something that is not a valid response. */
    BAD_RESPONSE,
    /** The TLS handshake with the service failed. */
    TLS;

    /** The label spelling: {@code connect}, {@code timeout}, {@code reset}, {@code bad-response}, {@code tls}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
