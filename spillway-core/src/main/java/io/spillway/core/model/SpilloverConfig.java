package io.spillway.core.model;

import java.time.Duration;

/**
 * A vServer's {@code spillover} block (SPEC S3-S6).
 *
 * @param method          how the threshold is set
 * @param threshold       static threshold, for {@code method: connection}
 * @param backup          name of the next vServer of the chain, or null
 * @param persistence     S6: how long a client stays with the vServer that served it; zero: off
 * @param persistenceMask prefix length applied to IPv4 client addresses (IPv6: {@code mask + 96}, at most 128)
 * @param persistenceMaxEntries bound on the persistence table
 * @param whenFull        S5: what to do when the whole chain is full
 * @param redirectUrl     for {@code whenFull: redirect}
 */
public record SpilloverConfig(
        SpilloverMethod method,
        int threshold,
        String backup,
        Duration persistence,
        int persistenceMask,
        long persistenceMaxEntries,
        WhenFull whenFull,
        String redirectUrl) {

    public static final SpilloverConfig NONE =
            new SpilloverConfig(SpilloverMethod.NONE, 0, null, Duration.ZERO, 32, 100_000, WhenFull.ACCEPT, null);
}
