package io.spillway.proxy;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A raw-socket HTTP/1.1 client for tests: binds a chosen loopback source address (127.0.0.2,
 * 127.0.0.3, ... stand for distinct clients), writes requests byte for byte and parses
 * responses (content-length, chunked, or until close).
 */
final class RawHttp implements Closeable {

    record Response(int status, Map<String, List<String>> headers, byte[] bodyBytes, Map<String, List<String>> trailers) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        String body() {
            return new String(bodyBytes, StandardCharsets.UTF_8);
        }
    }

    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static RawHttp connect(InetSocketAddress to, String sourceIp) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        if (sourceIp != null) {
            s.bind(new InetSocketAddress(InetAddress.getByName(sourceIp), 0));
        }
        s.connect(to, 5_000);
        return new RawHttp(s);
    }

    static RawHttp connect(InetSocketAddress to) throws IOException {
        return connect(to, null);
    }

    static RawHttp over(Socket connected) throws IOException {
        return new RawHttp(connected);
    }

    Response get(String path) throws IOException {
        send("GET " + path + " HTTP/1.1\r\nHost: test.local\r\n\r\n");
        return read(false);
    }

    void send(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Half-closes: the proxy sees the end of the client's input. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads one response; {@code head} for a response to HEAD (no body). */
    Response read(boolean head) throws IOException {
        String status = line();
        if (status == null) {
            throw new SocketException("connection closed before a response");
        }
        int code = Integer.parseInt(status.split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, List<String>> trailers = new LinkedHashMap<>();
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (head || code == 204 || code == 304 || code < 200) {
            return new Response(code, headers, new byte[0], Map.of());
        } else if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                trailers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(l.substring(colon + 1).trim());
            }
        } else if (cl != null) {
            body.write(in.readNBytes(Integer.parseInt(cl.get(0))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(code, headers, body.toByteArray(), trailers);
    }

    /** True when the peer closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** Everything the peer sends until it closes the connection (fails on the socket timeout). */
    String readUntilClosed() throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException e) {
            return "";
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
