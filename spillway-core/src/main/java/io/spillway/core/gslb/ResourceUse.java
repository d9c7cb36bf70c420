package io.spillway.core.gslb;

/**
 * A branch process's use of its machine (SPEC G1 "resource use"), sampled once when the report
 * is made.
 *
 * @param cpuPercent          process CPU time over wall time since the previous sample, in percent
 *                            of one core (as {@code top}: 250 is two and a half cores busy); -1 unknown
 * @param heapUsedBytes       Java heap in use; -1 unknown
 * @param openFileDescriptors file descriptors the process holds open (sockets included); -1 where the
 *                            platform does not say (not Unix)
 */
public record ResourceUse(double cpuPercent, long heapUsedBytes, long openFileDescriptors) {

    /** A report without these figures (a branch of an older version). */
    public static final ResourceUse UNKNOWN = new ResourceUse(-1, -1, -1);
}
