package io.spillway.app.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo's backend web servers: each answers {@code /} with its name (after
 * {@code ?delay=MS}, at most 5 s, so that a client holds a connection) and {@code /healthz}
 * with {@code ok}, or 503 while it is made unhealthy.
 */
final class DemoBackends implements AutoCloseable {

    private final List<Backend> backends = new ArrayList<>();
    private final ExecutorService executor = Executors.newFixedThreadPool(64, r -> {
        Thread t = new Thread(r, "demo-backend");
        t.setDaemon(true);
        return t;
    });

    /** One backend server. */
    public static final class Backend {
        private final String name;
        private final HttpServer server;
        private final AtomicBoolean healthy = new AtomicBoolean(true);

        Backend(String name, HttpServer server) {
            this.name = name;
            this.server = server;
        }

        public String name() {
            return name;
        }

        public int port() {
            return server.getAddress().getPort();
        }

        public boolean healthy() {
            return healthy.get();
        }

        public void setHealthy(boolean value) {
            healthy.set(value);
        }
    }

    public Backend start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        Backend backend = new Backend(name, server);
        server.createContext("/healthz", ex -> respond(ex, backend.healthy() ? 200 : 503,
                backend.healthy() ? "ok\n" : "unhealthy\n"));
        server.createContext("/", ex -> {
            long delay = delayOf(ex.getRequestURI().getQuery());
            if (delay > 0) {
                try {
                    TimeUnit.MILLISECONDS.sleep(delay); // a backend thread, not an event loop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            respond(ex, 200, "hello from " + name + "\n");
        });
        server.setExecutor(executor);
        server.start();
        backends.add(backend);
        return backend;
    }

    private static long delayOf(String query) {
        if (query == null) {
            return 0;
        }
        for (String part : query.split("&")) {
            if (part.startsWith("delay=")) {
                try {
                    return Math.min(5000, Math.max(0, Long.parseLong(part.substring(6))));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        for (Backend b : backends) {
            b.server.stop(0);
        }
        executor.shutdownNow();
    }
}
