package io.spillway.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real TCP service that counts for itself how many connections it holds at once, and the most
 * it ever held: the place where a capacity promise is checked, whatever the appliances in front
 * of it believe. Each accepted connection is greeted with one byte ({@link #GREETING}), held for
 * a set time, then closed by the backend.
 *
 * <p>The backend ends every connection itself (its clients, {@link RacingClients}, wait for
 * that), and counts it out before it closes it. A proxy takes its service slot before it connects
 * and gives it back once the connection has ended, after that close, so the backend's count never
 * stands above the slots the proxies hold. (A count taken when a client-side close reaches the
 * backend would lag behind the proxy's release, and a racing admission could be counted on top.)
 */
final class HoldingBackend implements AutoCloseable {

    /** The byte every accepted connection receives first: an admitted client reads it. */
    static final int GREETING = 'x';

    private final ServerSocket server;
    private final long holdMillis;
    private final ScheduledExecutorService closer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "holding-backend-close");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final Thread acceptor;

    HoldingBackend(long holdMillis) throws IOException {
        this.holdMillis = holdMillis;
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        acceptor = new Thread(this::accept, "holding-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections held right now. */
    int open() {
        return open.get();
    }

    /** The most connections ever held at once. */
    int peak() {
        return peak.get();
    }

    long accepted() {
        return accepted.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException closed) {
                return;
            }
            held.add(s);
            peak.accumulateAndGet(open.incrementAndGet(), Math::max);
            accepted.incrementAndGet();
            try {
                s.getOutputStream().write(GREETING);
                s.getOutputStream().flush();
            } catch (IOException gone) {
                // the proxy closed it already: it is counted out at its set time all the same
            }
            closer.schedule(() -> end(s), holdMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void end(Socket s) {
        if (held.remove(s)) {
            open.decrementAndGet();
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        acceptor.join(5_000);
        closer.shutdownNow();
        for (Socket s : held) {
            end(s);
        }
    }
}
