package io.spillway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that answers the first request of each connection with a keep-alive response and
 * closes the connection, unanswered, when a second request arrives on it: the race of a pooled
 * connection that the service times out just as the proxy reuses it, made deterministic.
 */
final class SecondRequestDroppingBackend implements AutoCloseable {

    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    final AtomicInteger heads = new AtomicInteger();

    SecondRequestDroppingBackend() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::serve, "dropping-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(5_000);
                InputStream in = s.getInputStream();
                if (!readHead(in)) {
                    continue;
                }
                heads.incrementAndGet();
                s.getOutputStream().write(OK);
                s.getOutputStream().flush();
                if (readHead(in)) {
                    heads.incrementAndGet();
                }
                // closes unanswered
            } catch (IOException e) {
                // next connection
            }
        }
    }

    private static boolean readHead(InputStream in) throws IOException {
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                return false;
            }
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
