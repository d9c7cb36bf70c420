package io.spillway.proxy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connects hang: a listening socket that never accepts, its accept queue
 * filled, so that Linux drops further SYNs and a connect can only time out. The way to test a
 * connect timeout without sending anything off the machine.
 */
final class UnansweredPort implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    UnansweredPort() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 200);
                fillers.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled up");
    }

    int port() {
        return server.getLocalPort();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
