package io.spillway.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients racing for a TCP vServer in front of a {@link HoldingBackend}: each of {@code count}
 * threads connects, and when admitted (it reads the backend's greeting) holds the connection until
 * the backend ends it, then connects again at once; when refused (the appliance closes the
 * connection at accept) it tries again after a moment. Every thread stops at {@link #close} or
 * at its deadline, whichever comes first, and every socket has a timeout: the load is bounded in
 * count and time.
 */
final class RacingClients implements AutoCloseable {

    private static final int TIMEOUT_MS = 10_000;

    private final InetSocketAddress target;
    private final long deadlineNanos;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    private RacingClients(InetSocketAddress target, long deadlineNanos) {
        this.target = target;
        this.deadlineNanos = deadlineNanos;
    }

    /** Starts {@code count} clients against {@code target}; none runs past {@code maxMillis}. */
    static RacingClients start(InetSocketAddress target, int count, long maxMillis, String name) {
        RacingClients c = new RacingClients(target, System.nanoTime() + maxMillis * 1_000_000);
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(c::run, name + "-" + i);
            t.setDaemon(true);
            c.threads.add(t);
            t.start();
        }
        return c;
    }

    long admitted() {
        return admitted.get();
    }

    long refused() {
        return refused.get();
    }

    private boolean running() {
        return !stop.get() && System.nanoTime() - deadlineNanos < 0;
    }

    private void run() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running()) {
            if (once()) {
                admitted.incrementAndGet();
            } else {
                refused.incrementAndGet();
                LockSupport.parkNanos(random.nextLong(5_000_000, 20_000_000));
            }
        }
    }

    /** One connection: whether it was admitted (and then held until the backend ended it). */
    private boolean once() {
        try (Socket s = new Socket()) {
            s.connect(target, TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            InputStream in = s.getInputStream();
            if (in.read() != HoldingBackend.GREETING) {
                return false;
            }
            while (in.read() != -1) {
                // the backend holds the connection, then ends it
            }
            return true;
        } catch (IOException refusedOrReset) {
            return false;
        }
    }

    /** Stops every client and waits (bounded) for each to finish its connection. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TIMEOUT_MS * 2L);
        }
    }
}
