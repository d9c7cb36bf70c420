package io.spillway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 service on a plain socket that parses nothing, for the framing tests a real server
 * cannot fail: it records every octet it receives, counts connections and request heads (each
 * empty line ends one) and answers each head with a fixed response, sent as is. Its
 * {@link Ending} says how a connection ends: never by the service, right after one answer (as
 * a keep-alive timeout strikes), or unanswered at the second head (a pooled connection the
 * service drops just as it is reused). A {@link LoopbackServer}: an extension, restartable on
 * its port.
 */
public final class RawHttpBackend extends LoopbackServer<RawHttpBackend> {

    /** A keep-alive {@code 200 ok}. */
    public static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    /** How the service ends a connection. */
    public enum Ending {
        /** Answers every head; the client ends the connection. */
        NEVER,
        /** Closes the connection right after its first answer. */
        AFTER_ONE_ANSWER,
        /** Answers the first head and closes, unanswered, when a second one arrives. */
        AT_SECOND_HEAD
    }

    private final byte[] response;
    private final Ending ending;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger heads = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private ServerSocket server;

    public RawHttpBackend(String response, Ending ending) {
        this.response = response.getBytes(StandardCharsets.ISO_8859_1);
        this.ending = ending;
    }

    /** Answers every head with {@link #OK}; keeps what it received for the test to read. */
    public static RawHttpBackend recording() {
        return new RawHttpBackend(OK, Ending.NEVER);
    }

    /** Answers one head per connection with {@code response}, then closes it. */
    public static RawHttpBackend oneShot(String response) {
        return new RawHttpBackend(response, Ending.AFTER_ONE_ANSWER);
    }

    /** Everything received so far, on any connection, as ISO-8859-1 text. */
    public String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Request heads received so far, answered or not. */
    public int heads() {
        return heads.get();
    }

    @Override
    protected int bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 50);
        server = s;
        Thread acceptor = new Thread(() -> accept(s), "raw-http-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        return s.getLocalPort();
    }

    @Override
    protected void unbind() {
        try {
            server.close();
        } catch (IOException e) {
            // closed already
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    private void accept(ServerSocket listener) {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                connections.incrementAndGet();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "raw-http-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int answered = 0;
            int matched = 0;
            for (int c = in.read(); c >= 0; c = in.read()) {
                synchronized (received) {
                    received.write(c);
                }
                matched = c == "\r\n\r\n".charAt(matched) ? matched + 1 : (c == '\r' ? 1 : 0);
                if (matched < 4) {
                    continue;
                }
                matched = 0;
                heads.incrementAndGet();
                if (ending == Ending.AT_SECOND_HEAD && answered == 1) {
                    return; // closes unanswered
                }
                out.write(response);
                out.flush();
                answered++;
                if (ending == Ending.AFTER_ONE_ANSWER) {
                    return;
                }
            }
        } catch (IOException e) {
            // the peer closed the connection
        } finally {
            open.remove(s);
        }
    }
}
