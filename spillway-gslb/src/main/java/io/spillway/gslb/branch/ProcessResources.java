package io.spillway.gslb.branch;

import io.spillway.core.gslb.ResourceUse;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;

/**
 * Samples this process's resource use for a branch's reports (SPEC G1): CPU, heap in use and open
 * file descriptors, read from the platform's management beans ({@code com.sun.management}'s
 * {@code OperatingSystemMXBean} for the process CPU time, {@code UnixOperatingSystemMXBean} for
 * the descriptors; -1 where the JVM does not offer them).
 *
 * <p>CPU is a rate, so it is measured between two samples: process CPU time over wall time since
 * the previous sample, in percent of one core. The first sample measures since the JVM started.
 *
 * <p>A sample is taken at most once per {@code minPeriodNanos} and reused in between, so that a
 * branch reporting every millisecond (G1 allows 1 ms) does not list its descriptors a thousand
 * times a second: a machine's resource use does not move on that scale, and counting open
 * descriptors reads a directory of {@code /proc} whose size grows with the connections held.
 * Called on the reporting event loop, one caller at a time.
 */
final class ProcessResources {

    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final long minPeriodNanos;
    private long lastNanos;
    private long lastCpuNanos;
    private ResourceUse last;

    ProcessResources(long minPeriodNanos) {
        this.minPeriodNanos = minPeriodNanos;
        this.lastNanos = System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L;
        this.lastCpuNanos = 0;
    }

    synchronized ResourceUse sample(long nowNanos) {
        if (last != null && nowNanos - lastNanos < minPeriodNanos) {
            return last;
        }
        long cpu = cpuNanos();
        double percent = -1;
        long wall = nowNanos - lastNanos;
        if (cpu >= 0 && wall > 0) {
            percent = Math.round((cpu - lastCpuNanos) * 1000.0 / wall) / 10.0;
        }
        lastNanos = nowNanos;
        lastCpuNanos = Math.max(0, cpu);
        last = new ResourceUse(percent, memory.getHeapMemoryUsage().getUsed(), openFileDescriptors());
        return last;
    }

    private long cpuNanos() {
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }

    private long openFileDescriptors() {
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    }
}
