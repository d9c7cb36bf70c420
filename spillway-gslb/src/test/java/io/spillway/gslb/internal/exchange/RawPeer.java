package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A hand-driven exchange client over a plain socket, for protocol and bad-input tests. */
final class RawPeer implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    RawPeer(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendFrame(byte[] body) throws IOException {
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    void sendJson(String json) throws IOException {
        sendFrame(json.getBytes(StandardCharsets.UTF_8));
    }

    void send(ExchangeMessage m) throws IOException {
        sendFrame(FrameCodec.encode(m));
    }

    /** The next frame as JSON, or null when the server closed the connection. */
    JsonNode read() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return FrameCodec.JSON.readTree(body);
    }

    /** Reads frames until the server closes; returns the last frame before the close (the error). */
    JsonNode readUntilClosed() throws IOException {
        JsonNode last = null;
        try {
            for (JsonNode n = read(); n != null; n = read()) {
                last = n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("server did not close the connection", e);
        } catch (IOException reset) {
            // a reset after the error frame is a close too
        }
        return last;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
