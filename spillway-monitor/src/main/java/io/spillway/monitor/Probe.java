package io.spillway.monitor;

/**
 * One kind of health check (SPEC M1). A probe is immutable and built once per
 * (service, monitor) pair; {@link #start} begins one attempt on the attempt's event loop and
 * must not block. The attempt's outcome is set by the probe, or by the caller's timeout.
 */
interface Probe {

    /** @param connector opens TCP connections on the attempt's event loop */
    void start(ProbeConnector connector, ProbeAttempt attempt);

    /** How the probe runs where it matters (e.g. {@code tcp-connect} for ping), or null. */
    default String detail() {
        return null;
    }
}
