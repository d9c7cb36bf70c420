package io.spillway.monitor;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * ICMP echo for the {@code ping} monitor, opt-in with {@code -Dspillway.monitor.icmp=true}.
 * The JDK's {@link InetAddress#isReachable} sends an ICMP echo where the process may open
 * an ICMP socket and a TCP connection to the echo port (7) otherwise; it blocks, so it runs on
 * two threads of its own with a bounded queue, never on an event loop. A full queue fails the
 * probe rather than delaying it. Without the property, ping is a TCP connect on the event
 * loops, which scales to thousands of services.
 */
final class IcmpPinger implements AutoCloseable {

    static final String PROPERTY = "spillway.monitor.icmp";

    private final ThreadPoolExecutor executor;

    IcmpPinger() {
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "spillway-icmp-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    static boolean enabled() {
        return Boolean.getBoolean(PROPERTY);
    }

    void ping(InetAddress address, int timeoutMs, ProbeAttempt attempt) {
        try {
            executor.execute(() -> {
                String error;
                try {
                    error = address.isReachable(timeoutMs) ? null : "no echo reply";
                } catch (IOException e) {
                    error = ProbeAttempt.describe(e);
                }
                String result = error;
                attempt.loop().execute(() -> {
                    if (result == null) {
                        attempt.succeed();
                    } else {
                        attempt.fail(result);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            attempt.fail("icmp queue full");
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
