package io.spillway.app;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTTP backends of an end-to-end test: JDK {@link HttpServer}s on ephemeral loopback ports,
 * each answering every path with a handler of the test's, stopped after each test (a JUnit 5
 * extension of the test instance).
 *
 * <pre>
 *   &#64;RegisterExtension
 *   final HttpBackends backends = new HttpBackends();
 *
 *   int port = backends.start(exchange -> ...);
 * </pre>
 */
final class HttpBackends implements AfterEachCallback {

    private final List<HttpServer> started = new ArrayList<>();

    /** Starts a backend that answers every request with {@code handler}; the port it listens on. */
    int start(HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.start();
        started.add(server);
        return server.getAddress().getPort();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(s -> s.stop(0));
        started.clear();
    }
}
