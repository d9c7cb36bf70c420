package io.spillway.core.runtime;

/**
 * Told of every status change of a service (SPEC M5): thresholds, logs, metrics and GSLB
 * reports all listen here. Called on the thread that made the change; must not block.
 */
@FunctionalInterface
public interface ServiceListener {

    void onStateChange(Service service, ServiceState previous, ServiceState current, String reason);

    /** Capacity changes (learnt capacity, S2) move thresholds too; default: treat as no change. */
    default void onCapacityChange(Service service, int previous, int current) {
    }

    /** Passive health took the service out of rotation for a while ({@code reason} says why and how long); default: nothing. */
    default void onEjection(Service service, String reason) {
    }

    /** This node's cluster share moved (issue 12; {@link Service#NOT_SHARED}: none); default: no change. */
    default void onShareChange(Service service, int previous, int current) {
    }
}
