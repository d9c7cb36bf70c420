package io.spillway.core.log;

/**
 * Where the proxy hands one {@link AccessRecord} per HTTP request and per TCP connection.
 *
 * <p>Called on the event loop: an implementation must return at once, whatever happens to the
 * record (the appliance's writer queues it for a thread of its own and drops it, counted, when
 * the queue is full). {@link #enabled()} lets the caller skip building the record when nobody
 * writes it; it may change on a reload, so read it per record:
 *
 * <pre>{@code
 * if (accessLog.enabled()) {
 *     accessLog.log(new AccessRecord(...));
 * }
 * }</pre>
 */
public interface AccessLog {

    /** The access log of an appliance without {@code logging.access}: does nothing, costs nothing. */
    AccessLog NONE = new AccessLog() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void log(AccessRecord record) {
        }
    };

    /** Whether records are written now; when false, {@link #log} discards them. */
    boolean enabled();

    /** Takes one record; never blocks. */
    void log(AccessRecord record);
}
