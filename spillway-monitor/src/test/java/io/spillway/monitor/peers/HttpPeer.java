package io.spillway.monitor.peers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's HTTP(S) server on loopback with answers set per path: status, body and a delay.
 * Can be stopped and started again on the same port.
 */
public final class HttpPeer implements AutoCloseable {

    /** What a path answers. */
    public record Answer(int status, String body, long delayMs) {
    }

    private final SSLContext tls;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private ExecutorService executor;
    private HttpServer server;
    private int port;

    /** @param tls null for plain HTTP */
    public HttpPeer(SSLContext tls) {
        this.tls = tls;
        start();
    }

    public synchronized void start() {
        try {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", port);
            if (tls != null) {
                HttpsServer s = HttpsServer.create(at, 64);
                s.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = s;
            } else {
                server = HttpServer.create(at, 64);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            Answer a = answers.getOrDefault(exchange.getRequestURI().getPath(), new Answer(404, "not found", 0));
            if (a.delayMs() > 0) {
                try {
                    Thread.sleep(a.delayMs()); // the peer being slow is the point of the test
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    public void answer(String path, int status, String body) {
        answers.put(path, new Answer(status, body, 0));
    }

    public void answer(String path, int status, String body, long delayMs) {
        answers.put(path, new Answer(status, body, delayMs));
    }

    public int port() {
        return port;
    }

    public int requests() {
        return requests.get();
    }

    public int maxInFlight() {
        return maxInFlight.get();
    }

    public synchronized void stop() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
