package io.spillway.proxy.internal.http1;

/**
 * The requests sent on a service connection whose responses have not begun, oldest first: the
 * method of each (a response's framing depends on it) and whether its response is to be
 * decoded rather than passed through. A ring of ints, so that pipelining allocates nothing.
 */
final class PendingRequests {

    private static final Http1Method[] METHODS = Http1Method.values();
    private static final int DECODE = 0x100;

    private int[] ring = new int[4];
    private int head;
    private int size;

    void add(Http1Method method, boolean decodeChunked) {
        if (size == ring.length) {
            int[] bigger = new int[ring.length * 2];
            for (int i = 0; i < size; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) % ring.length] = method.ordinal() | (decodeChunked ? DECODE : 0);
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    Http1Method method() {
        return METHODS[ring[head] & 0xFF];
    }

    boolean decodeChunked() {
        return (ring[head] & DECODE) != 0;
    }

    void remove() {
        head = (head + 1) % ring.length;
        size--;
    }
}
