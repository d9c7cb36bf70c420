package io.spillway.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw TCP client for tests: reads the backend's greeting line to learn where it landed. */
final class TcpClient implements Closeable {

    final Socket socket;
    private final InputStream in;

    private TcpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    static TcpClient connect(InetSocketAddress to, String sourceIp) throws IOException {
        Socket s = new Socket();
        s.setSoTimeout(10_000);
        if (sourceIp != null) {
            s.bind(new InetSocketAddress(InetAddress.getByName(sourceIp), 0));
        }
        s.connect(to, 5_000);
        return new TcpClient(s);
    }

    static TcpClient connect(InetSocketAddress to) throws IOException {
        return connect(to, null);
    }

    /** The backend's name, or null when the proxy closed the connection instead. */
    String greeting() throws IOException {
        StringBuilder b = new StringBuilder();
        try {
            for (int c = in.read(); c >= 0; c = in.read()) {
                if (c == '\n') {
                    return b.toString();
                }
                b.append((char) c);
            }
        } catch (SocketException e) {
            return null;
        }
        return null;
    }

    void write(String s) throws IOException {
        socket.getOutputStream().write(s.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    String read(int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.US_ASCII);
    }

    /** True when the peer closed the connection within the socket timeout. */
    boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
