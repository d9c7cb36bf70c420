package io.spillway.admin;

import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.httpjson.HttpLimits;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Real admin servers for a test class, as a JUnit 5 extension registered on a static field:
 * one event loop for the class, and every server a test starts ({@link #start}) closed after
 * that test.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final AdminExtension admins = new AdminExtension();
 *
 *   AdminFixture admin = admins.start("127.0.0.1", "s3cret", TestGraphs.shop());
 * </pre>
 */
final class AdminExtension implements AfterEachCallback, AfterAllCallback {

    private final List<AdminFixture> started = new ArrayList<>();
    private Transport transport;

    /** The event loop the servers of this class run on, for a test that builds an {@link AdminServer} itself. */
    Transport transport() {
        if (transport == null) {
            transport = Transport.create(1);
        }
        return transport;
    }

    /** Starts an admin server on an ephemeral port of {@code host}, {@code token} required (none if null). */
    AdminFixture start(String host, String token, RuntimeGraph graph) throws Exception {
        return start(host, token, graph, AdminServer.LIMITS);
    }

    /** The same, with other limits. */
    AdminFixture start(String host, String token, RuntimeGraph graph, HttpLimits limits) throws Exception {
        AdminFixture admin = new AdminFixture(transport(), host, token, graph, limits);
        started.add(admin);
        return admin;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(AdminFixture::close);
        started.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (transport != null) {
            transport.close();
            transport = null;
        }
    }
}
