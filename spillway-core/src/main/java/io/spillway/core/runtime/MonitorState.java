package io.spillway.core.runtime;

/** What one monitor says about its service (SPEC M1, M5); the service's own state is {@link ServiceState}. */
public enum MonitorState {
    UP, DOWN;

    public static MonitorState of(boolean up) {
        return up ? UP : DOWN;
    }
}
