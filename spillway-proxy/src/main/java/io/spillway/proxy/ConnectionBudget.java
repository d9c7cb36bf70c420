package io.spillway.proxy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The top-level {@code limits.maxConnections}: client connections of every listener of the
 * appliance together. Taken at accept with compare-and-set, before anything else of the
 * connection is set up, and given back by its close; one over the limit is closed and counted.
 */
final class ConnectionBudget {

    private final AtomicInteger held = new AtomicInteger();
    private final LongAdder refused = new LongAdder();
    private volatile int limit;

    ConnectionBudget(int limit) {
        this.limit = limit;
    }

    /** A reload sets a new limit; connections above it stay, new ones wait until the count falls below. */
    void limit(int next) {
        limit = next;
    }

    boolean tryAcquire() {
        int max = limit;
        for (int now = held.get(); ; now = held.get()) {
            if (now >= max) {
                refused.increment();
                return false;
            }
            if (held.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void release() {
        held.decrementAndGet();
    }

    int held() {
        return held.get();
    }

    long refused() {
        return refused.sum();
    }
}
