package io.spillway.proxy;

import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code timeouts.send} for one HTTP/2 stream: it runs while the response waits for the client,
 * that is while the stream cannot write, or while the response's last frame is written but not
 * sent (the client's flow-control window holds it; a small response never makes the stream
 * unwritable, so writability alone would miss a client that announces a window of 0). When it
 * runs out with the response still waiting, {@code expired} runs. Used on the stream's event
 * loop only.
 *
 * <p>The connection's flushes are consolidated ({@link Http2ClientConnection#consolidatingFlushes()}):
 * a last frame written and flushed outside a read only leaves when the event loop's turn ends.
 * So while the stream is writable, a response whose end is not sent yet is looked at again in a
 * task queued after that flush, and the timer starts only if the end still waits then: most
 * streams never schedule a timer.
 */
final class StreamSendTimeout {

    private final Http2StreamChannel stream;
    private final long millis;
    private final BooleanSupplier responseEnded;
    private final Runnable expired;
    private final Runnable recheck = this::recheck;
    private ScheduledFuture<?> timer;
    private boolean recheckQueued;

    StreamSendTimeout(Http2StreamChannel stream, long millis, BooleanSupplier responseEnded, Runnable expired) {
        this.stream = stream;
        this.millis = Math.max(1, millis);
        this.responseEnded = responseEnded;
        this.expired = expired;
    }

    /** Starts or stops the timer as the response waits or not: after each flush and writability change. */
    void watch() {
        if (!waiting()) {
            cancel();
        } else if (timer == null && stream.isActive()) {
            if (!stream.isWritable()) {
                start();
            } else if (!recheckQueued) {
                // only the end waits: most likely for the consolidated flush, which runs before this task
                recheckQueued = true;
                stream.eventLoop().execute(recheck);
            }
        }
    }

    private void recheck() {
        recheckQueued = false;
        if (!waiting()) {
            cancel();
        } else if (timer == null && stream.isActive()) {
            start();
        }
    }

    private void start() {
        timer = stream.eventLoop().schedule(this::run, millis, TimeUnit.MILLISECONDS);
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void run() {
        timer = null;
        if (stream.isActive() && waiting()) {
            expired.run();
        }
    }

    private boolean waiting() {
        return !stream.isWritable() || (responseEnded.getAsBoolean() && endNotSent());
    }

    /** Whether our END_STREAM is still to be sent (the stream is open on our side). */
    private boolean endNotSent() {
        Http2Stream.State state = stream.stream().state();
        return state == Http2Stream.State.OPEN || state == Http2Stream.State.HALF_CLOSED_REMOTE;
    }
}
