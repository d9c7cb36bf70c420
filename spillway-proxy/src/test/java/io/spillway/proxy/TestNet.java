package io.spillway.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.HttpBackend;
import io.spillway.testing.TcpBackend;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

/**
 * What a test class runs on, as a JUnit 5 extension (the shared fixture of the proxy's tests, as
 * Armeria's {@code ServerExtension} is of its own): the proxy's {@link Transport} (2 event loops),
 * a separate event-loop group for the backends, and everything started through it, closed in
 * reverse order after each test; the loops are shut down after the class.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final TestNet net = new TestNet();
 * </pre>
 */
final class TestNet implements AutoCloseable, AfterEachCallback, AfterAllCallback {

    final Transport transport = Transport.create(2);
    final EventLoopGroup backendGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    <T extends AutoCloseable> T track(T resource) {
        started.push(resource);
        return resource;
    }

    /** A TCP echo service that greets each connection with {@code name} and a newline. */
    TcpBackend tcpBackend(String name) {
        return track(new TcpBackend().on(backendGroup).greeting(name + "\n").start());
    }

    HttpBackend httpBackend(String name) {
        return track(new HttpBackend(name).start());
    }

    ProxyServer proxy(RuntimeGraph graph) throws Exception {
        ProxyServer p = track(new ProxyServer(transport, graph));
        p.start();
        return p;
    }

    /** A loopback port nothing listens on: connecting to it is refused. */
    static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Closes everything started since the last call (per-test cleanup). */
    void closeStarted() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        closeStarted();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        close();
    }

    @Override
    public void close() throws Exception {
        closeStarted();
        backendGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        transport.close();
    }
}
