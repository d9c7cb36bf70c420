package io.spillway.monitor;

/**
 * Told of what the monitors do. Called on an event loop: must be quick and must not block.
 * Service-level changes reach {@link io.spillway.core.runtime.ServiceListener}s as well.
 */
public interface MonitorListener {

    /** A monitor changed state (M5). */
    default void onEvent(MonitorEvent event) {
    }

    /**
     * Every finished probe, with how late it started against its schedule (for metrics and
     * the benchmark).
     */
    default void onProbe(String service, String monitor, long scheduleLagNanos, ProbeOutcome outcome) {
    }
}
