package io.spillway.etcd;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task run every round on a daemon thread of its own (etcd calls block, so never on an event
 * loop): the first round at once, then one a round after the previous one ended, so rounds never
 * overlap. Used by the cluster's share balancer and the lease election.
 */
public final class Rounds {

    private final ScheduledExecutorService executor;

    private Rounds(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    public static Rounds start(String threadName, Duration every, Runnable round) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(round, 0, every.toNanos(), TimeUnit.NANOSECONDS);
        return new Rounds(executor);
    }

    /**
     * Stops the rounds and waits (up to 5 s, then interrupts and waits 5 s more) for the one in
     * progress.
     *
     * @return whether no round runs any more
     */
    public boolean stop() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
                return executor.awaitTermination(5, TimeUnit.SECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
