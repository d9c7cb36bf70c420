package io.spillway.gslb.resolve;

import io.spillway.core.gslb.Resolver;
import io.spillway.core.model.HostPort;
import io.spillway.transport.Transport;

import java.net.InetSocketAddress;
import java.time.Duration;

/** Test access to the resolve server's package-private idle timeout from other test packages. */
public final class ResolveServerAccess {

    private ResolveServerAccess() {
    }

    public static AutoCloseable start(Transport transport, Resolver resolver, Duration idle) throws Exception {
        ResolveServer server = new ResolveServer(transport, HostPort.parse("127.0.0.1:0"), resolver, idle);
        server.start();
        return server;
    }

    public static InetSocketAddress address(AutoCloseable server) {
        return ((ResolveServer) server).boundAddress();
    }
}
