package io.spillway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that answers one request per connection with a keep-alive response and then closes
 * the connection anyway, as a server does when its keep-alive timeout strikes: the proxy's
 * pooled connection to it is always stale by the next request.
 */
final class OneShotHttpBackend implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    final AtomicInteger connections = new AtomicInteger();
    private final byte[] response;

    OneShotHttpBackend() throws IOException {
        this("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    }

    /** Answers every request head with {@code response}, sent as is. */
    OneShotHttpBackend(String response) throws IOException {
        this.response = response.getBytes(StandardCharsets.US_ASCII);
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(this::serve, "one-shot-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                s.setSoTimeout(5_000);
                InputStream in = s.getInputStream();
                int matched = 0;
                while (matched < 4) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
                }
                s.getOutputStream().write(response);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // next connection
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
