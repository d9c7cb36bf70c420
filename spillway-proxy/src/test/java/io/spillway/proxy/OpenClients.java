package io.spillway.proxy;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The client connections a test opens to a proxy, in the order it opened them, closed after
 * each test, as a JUnit 5 extension of the test instance (before {@link TestNet} closes the
 * proxies):
 *
 * <pre>
 *   &#64;RegisterExtension
 *   final OpenClients&lt;TcpClient&gt; clients = new OpenClients&lt;&gt;();
 * </pre>
 */
final class OpenClients<C extends Closeable> implements AfterEachCallback, Iterable<C> {

    private final List<C> open = new ArrayList<>();

    /** Keeps {@code client} to close after the test; returns it. */
    C add(C client) {
        open.add(client);
        return client;
    }

    /** The {@code i}th connection the test opened. */
    C get(int i) {
        return open.get(i);
    }

    @Override
    public Iterator<C> iterator() {
        return open.iterator();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (C c : open) {
            c.close();
        }
        open.clear();
    }
}
