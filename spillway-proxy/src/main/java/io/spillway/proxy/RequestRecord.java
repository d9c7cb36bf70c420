package io.spillway.proxy;

import io.spillway.core.log.AccessAction;

/**
 * What is counted and logged of one HTTP request (the vServer's figures, one access-log
 * record): when it started, its method and target (kept only while the access log is on), the
 * bytes each way and the status sent. One per client leg (an HTTP/1.1 connection reuses it request
 * after request, an HTTP/2 stream has its own), ended exactly once by {@link #done}, which hands
 * it to {@link ClientConnection#done}.
 */
final class RequestRecord {

    private final ClientConnection connection;
    private boolean open;
    private long startMillis;
    private long startNanos;
    private String method;
    private String path;
    private long headBytes;
    private long bytesIn;
    private long bytesOut;
    private int status;

    RequestRecord(ClientConnection connection) {
        this.connection = connection;
    }

    /** Whether the method and target are wanted (the access log is on): they cost a String each. */
    boolean wantsDetail() {
        return connection.logsAccess();
    }

    /** A request starts: its head was {@code headBytes} long; method and path may be null. */
    void start(String method, String path, long headBytes) {
        open = true;
        startMillis = System.currentTimeMillis();
        startNanos = System.nanoTime();
        this.method = method;
        this.path = path;
        this.headBytes = headBytes;
        bytesIn = headBytes;
        bytesOut = 0;
        status = 0;
    }

    /** Whether a request is being counted (started and not yet done). */
    boolean isOpen() {
        return open;
    }

    void received(long n) {
        bytesIn += n;
    }

    /** Bytes of the request's body received so far (framing of passed-through chunks included). */
    long bodyBytes() {
        return bytesIn - headBytes;
    }

    void sent(long n) {
        bytesOut += n;
    }

    void status(int code) {
        status = code;
    }

    /** The request is over: counted on the vServer and logged, once; a later call does nothing. */
    void done(String service, AccessAction action) {
        if (open) {
            open = false;
            connection.done(startMillis, startNanos, service, method, path, status, bytesIn, bytesOut, action);
        }
    }
}
