package io.spillway.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;

/**
 * One real etcd for a test class: {@code @RegisterExtension static final EtcdExtension etcd = new
 * EtcdExtension();} starts an {@link EtcdServer} before the class's tests (skipping them when etcd
 * is not installed) and stops it by pid after them.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

    private EtcdServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = EtcdServer.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public URI url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }
}
