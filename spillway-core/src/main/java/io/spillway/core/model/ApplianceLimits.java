package io.spillway.core.model;

/**
 * The top-level {@code limits} section: what the whole appliance holds at most.
 *
 * @param maxConnections client connections of every listener together; one more is closed at accept
 */
public record ApplianceLimits(int maxConnections) {
    public static final ApplianceLimits DEFAULT = new ApplianceLimits(100_000);
}
