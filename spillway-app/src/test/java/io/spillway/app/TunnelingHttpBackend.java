package io.spillway.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 service for tests, on a plain server socket (one thread per connection),
 * that can also switch protocols, which the JDK's HttpServer cannot: a request with
 * {@code Upgrade} gets {@code 101} and the connection then echoes what it receives (a tunnel).
 * {@code GET /fail} answers 500; {@code GET /slow} answers after {@code slowMillis} and
 * {@code GET /health} after {@code healthMillis}; anything else answers 200 at once. Every 200
 * has a body of {@code bodyBytes} bytes. Keep-alive; requests have no body. {@link #get} is the
 * client side: one request on a new connection.
 */
final class TunnelingHttpBackend implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "raw-http-backend");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final int bodyBytes;
    volatile long slowMillis;
    volatile long healthMillis;

    TunnelingHttpBackend(int bodyBytes) throws IOException {
        this.bodyBytes = bodyBytes;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** A client's request: {@code GET path} on a new connection to {@code to} ({@code Connection: close}); the whole answer. */
    static String get(InetSocketAddress to, String path) throws IOException {
        try (Socket s = new Socket(to.getAddress(), to.getPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String head;
            while ((head = readHead(in)) != null) {
                if (head.toLowerCase().contains("\nupgrade:")) {
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.transferTo(out);
                    return;
                }
                String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                if (path.startsWith("/slow")) {
                    TimeUnit.MILLISECONDS.sleep(slowMillis);
                } else if (path.startsWith("/health")) {
                    TimeUnit.MILLISECONDS.sleep(healthMillis);
                }
                boolean fail = path.startsWith("/fail");
                byte[] body = fail ? "fail".getBytes(StandardCharsets.US_ASCII) : "x".repeat(bodyBytes).getBytes(StandardCharsets.US_ASCII);
                out.write(((fail ? "HTTP/1.1 500 Internal Server Error" : "HTTP/1.1 200 OK") + "\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the backend is closing
        } finally {
            open.remove(s);
        }
    }

    /** The request head up to its blank line, or null at the end of the stream. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        threads.shutdownNow();
    }
}
