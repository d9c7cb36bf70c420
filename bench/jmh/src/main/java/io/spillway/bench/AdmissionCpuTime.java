package io.spillway.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The admission decision of {@link AdmissionBenchmark} timed in CPU time of the calling thread
 * rather than wall time, for a machine too busy for JMH's wall-clock figures: a thread that
 * waits for a core does not count the wait. What it cannot remove is the cache pollution of the
 * other processes, so a busy machine still reads somewhat high. Run with any build's jar on the
 * class path after this class (the benchmark's fields and methods are the same), e.g.
 * {@code java -cp classes:benchmarks.jar io.spillway.bench.AdmissionCpuTime persistent}.
 * Prints the median and min-max of the rounds, in CPU ns per decision.
 */
public final class AdmissionCpuTime {

    /** Measured rounds (-Drounds), decisions per round (-Dops); the warm-up is four rounds' worth. */
    private static final int ROUNDS = Integer.getInteger("rounds", 7);
    private static final long OPS = Long.getLong("ops", 5_000_000);

    private AdmissionCpuTime() {
    }

    public static void main(String[] args) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (String scenario : args) {
            AdmissionBenchmark b = new AdmissionBenchmark();
            b.scenario = scenario;
            b.setup();
            long sink = 0;
            for (long i = 0; i < 4 * OPS; i++) { // warm-up: compiled code before measuring
                sink += b.admitAndRelease() == null ? 1 : 0;
            }
            double[] ns = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                long start = threads.getCurrentThreadCpuTime();
                for (long i = 0; i < OPS; i++) {
                    sink += b.admitAndRelease() == null ? 1 : 0;
                }
                ns[r] = (threads.getCurrentThreadCpuTime() - start) / (double) OPS;
            }
            Arrays.sort(ns);
            System.out.printf("%s %.1f %.1f %.1f (sink %d)%n", scenario, ns[ROUNDS / 2], ns[0], ns[ROUNDS - 1], sink);
        }
    }
}
