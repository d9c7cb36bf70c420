package io.spillway.core.runtime;

/** What the management interface shows for a service; only {@code UP} counts toward S3. */
public enum ServiceState {
    UP, DOWN, DISABLED
}
