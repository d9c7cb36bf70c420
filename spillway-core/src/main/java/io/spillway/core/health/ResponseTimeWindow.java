package io.spillway.core.health;

/**
 * The last {@code size} response times of one monitor on one service, with their mean and
 * standard deviation (SPEC M3). A ring buffer with running sums, so every operation is O(1).
 *
 * <p>Not thread-safe: one monitor's probes never overlap and its results are handled on one
 * event loop, which is the only writer.
 */
final class ResponseTimeWindow {

    private final long[] samples;
    private int count;
    private int next;
    private double sum;
    private double sumOfSquares;

    public ResponseTimeWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window " + size + " < 1");
        }
        this.samples = new long[size];
    }

    public void add(long nanos) {
        if (count == samples.length) {
            long old = samples[next];
            sum -= old;
            sumOfSquares -= (double) old * old;
        } else {
            count++;
        }
        samples[next] = nanos;
        sum += nanos;
        sumOfSquares += (double) nanos * nanos;
        next = (next + 1) % samples.length;
    }

    public int count() {
        return count;
    }

    public int capacity() {
        return samples.length;
    }

    /** Mean in nanoseconds; 0 while empty. */
    public double mean() {
        return count == 0 ? 0 : sum / count;
    }

    /** Population standard deviation in nanoseconds; 0 with fewer than two samples. */
    public double standardDeviation() {
        if (count < 2) {
            return 0;
        }
        double mean = sum / count;
        double variance = sumOfSquares / count - mean * mean;
        return variance <= 0 ? 0 : Math.sqrt(variance);
    }
}
