package io.spillway.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetSocketAddress;

/**
 * A real server on loopback for tests, and the JUnit 5 extension that runs it, on the model of
 * Armeria's {@code ServerExtension}: registered in a static field it is started before the
 * class's tests and stopped after them; in an instance field, started before each test and
 * stopped after it.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final HttpBackend web = new HttpBackend("web");
 * </pre>
 *
 * A test may also start one itself, {@code try (TcpBackend echo = new TcpBackend().start())}.
 * The first start binds an ephemeral port of 127.0.0.1; {@link #stop()} and {@link #start()}
 * again keep that port, as a restarted service does. {@link #close()} stops it for good and
 * releases its threads; a later start begins anew (the extension's next test).
 *
 * @param <S> the server's own type, which {@link #start()} returns
 */
public abstract class LoopbackServer<S extends LoopbackServer<S>>
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, AutoCloseable {

    private boolean perClass;
    private boolean running;
    private int port;

    /** Binds 127.0.0.1:{@code port} (0: an ephemeral port) and returns the port bound. */
    protected abstract int bind(int port) throws Exception;

    /** Closes the listener and every connection it accepted; {@link #bind} may follow. */
    protected abstract void unbind();

    /** Releases what outlives a stop (threads); called by {@link #close()} after the stop. */
    protected void release() {
    }

    /** Starts the server (again, on the same port) unless it runs; returns it. */
    public final synchronized S start() {
        if (!running) {
            try {
                port = bind(port);
            } catch (Exception e) {
                throw new IllegalStateException(getClass().getSimpleName() + " cannot bind 127.0.0.1:" + port, e);
            }
            running = true;
        }
        @SuppressWarnings("unchecked")
        S self = (S) this;
        return self;
    }

    /** Stops the server if it runs: connecting to its port is refused until {@link #start()}. */
    public final synchronized void stop() {
        if (running) {
            running = false;
            unbind();
        }
    }

    /** The port, bound by the first start. */
    public final synchronized int port() {
        if (port == 0) {
            throw new IllegalStateException(getClass().getSimpleName() + " has no port: never started, or closed");
        }
        return port;
    }

    public final InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    @Override
    public final synchronized void close() {
        stop();
        release();
        port = 0;
    }

    @Override
    public final void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public final void beforeEach(ExtensionContext context) {
        if (!perClass) {
            start();
        }
    }

    @Override
    public final void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public final void afterAll(ExtensionContext context) {
        close();
    }
}
