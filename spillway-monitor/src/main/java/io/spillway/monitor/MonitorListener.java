package io.spillway.monitor;

/**
 * Told of every finished probe, with how late it started against its schedule: the scheduling
 * lag the monitor benchmark (bench/monitor) reports, and the probes tests wait for. Called on an
 * event loop: must be quick and must not block. State changes are not told here: a monitor's
 * state is in {@link io.spillway.core.runtime.MonitorStatus}, a service's reaches its
 * {@link io.spillway.core.runtime.ServiceListener}s.
 */
@FunctionalInterface
public interface MonitorListener {

    void onProbe(String service, String monitor, long scheduleLagNanos, ProbeOutcome outcome);
}
