package io.spillway.proxy;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP backend for tests, on the JDK's com.sun.net.httpserver. Paths:
 * {@code /} answers its name; {@code /hold} answers its name once {@link #releaseHeld()} is
 * called; {@code /echo} answers the request body; {@code /stream?bytes=N} streams N bytes with
 * chunked encoding. Every answer can be delayed by {@link #delayMillis}. It counts requests,
 * requests in flight (and the most at once) and the distinct connections it saw, and keeps the
 * headers of the last request.
 */
final class HttpBackend implements AutoCloseable {

    static {
        // the JDK server writes a response's head and body separately; without TCP_NODELAY the
        // body waits for the proxy's delayed ACK (40 ms and more), which would blur response times
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    final String name;
    volatile long delayMillis;
    /** Every request waits until {@link #releaseHeld()}, as a stopped (SIGSTOP) process would. */
    volatile boolean hung;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final Set<String> connections = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Headers> lastHeaders = new AtomicReference<>();
    private volatile CountDownLatch hold = new CountDownLatch(1);

    HttpBackend(String name) throws IOException {
        this(name, null);
    }

    /** With {@code tls}, an HTTPS backend. */
    HttpBackend(String name, SSLContext tls) throws IOException {
        this.name = name;
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 0);
        if (tls == null) {
            this.server = HttpServer.create(at, 256);
        } else {
            HttpsServer https = HttpsServer.create(at, 256);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            this.server = https;
        }
        this.executor = Executors.newFixedThreadPool(48, r -> {
            Thread t = new Thread(r, "backend-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    int connections() {
        return connections.size();
    }

    Headers lastHeaders() {
        return lastHeaders.get();
    }

    void releaseHeld() {
        hold.countDown();
    }

    void resetHold() {
        hold = new CountDownLatch(1);
    }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        requests.incrementAndGet();
        connections.add(ex.getRemoteAddress().toString());
        lastHeaders.set(ex.getRequestHeaders());
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body = readAll(ex.getRequestBody());
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (hung || path.equals("/hold")) {
                hold.await(20, TimeUnit.SECONDS);
            }
            ex.getResponseHeaders().set("X-Backend", name);
            if (path.equals("/echo")) {
                send(ex, body);
            } else if (path.equals("/events")) {
                // server-sent events: the first event, then the second only once the test releases it
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    hold.await(20, TimeUnit.SECONDS);
                    out.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
                }
            } else if (path.startsWith("/status/")) {
                ex.sendResponseHeaders(Integer.parseInt(path.substring("/status/".length())), -1);
            } else if (path.equals("/stream")) {
                long n = Long.parseLong(ex.getRequestURI().getQuery().substring("bytes=".length()));
                ex.sendResponseHeaders(200, 0);
                byte[] chunk = new byte[16384];
                try (OutputStream out = ex.getResponseBody()) {
                    for (long left = n; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, (int) Math.min(left, chunk.length));
                    }
                }
            } else {
                send(ex, name.getBytes(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static void send(HttpExchange ex, byte[] body) throws IOException {
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(200, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /**
     * Stops the server. JDK 17's {@code HttpServer.stop} closes the listening socket at once but
     * then waits up to a second for its dispatcher thread; that wait runs on a daemon thread so
     * that a test does not pay it.
     */
    @Override
    public void close() {
        hold.countDown();
        Thread stopper = new Thread(() -> {
            server.stop(0);
            executor.shutdownNow();
        }, "stop-backend-" + name);
        stopper.setDaemon(true);
        stopper.start();
    }
}
