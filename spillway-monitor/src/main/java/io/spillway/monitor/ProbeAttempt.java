package io.spillway.monitor;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Promise;

import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

/**
 * One probe in flight: its start time, the channels it opened and the promise of its
 * outcome. The first of success, failure, timeout or abort wins and closes every channel the
 * attempt opened, so that no probe outlives its timeout or leaks a socket.
 *
 * <p>Confined to its event loop: the probe's channels are registered on that loop, and the
 * timeout is scheduled there.
 */
final class ProbeAttempt {

    private final EventLoop loop;
    private final long startNanos = System.nanoTime();
    private final Promise<ProbeOutcome> promise;
    private final List<Channel> channels = new ArrayList<>(2);

    ProbeAttempt(EventLoop loop) {
        this.loop = loop;
        this.promise = loop.newPromise();
    }

    EventLoop loop() {
        return loop;
    }

    Promise<ProbeOutcome> promise() {
        return promise;
    }

    boolean isDone() {
        return promise.isDone();
    }

    /** Closes {@code channel} when the attempt ends (at once if it already has). */
    void track(Channel channel) {
        if (promise.isDone()) {
            channel.close();
        } else {
            channels.add(channel);
        }
    }

    long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    void succeed() {
        finish(new ProbeOutcome(true, elapsedNanos(), null));
    }

    /** The service answered, but not as expected: the response time still counts. */
    void failAnswered(String error) {
        finish(new ProbeOutcome(false, elapsedNanos(), error));
    }

    /** As {@link #failAnswered(String)}, with the response time measured earlier. */
    void failAnswered(String error, long responseNanos) {
        finish(new ProbeOutcome(false, responseNanos, error));
    }

    /** Nothing usable answered. */
    void fail(String error) {
        finish(new ProbeOutcome(false, -1, error));
    }

    void fail(Throwable cause) {
        fail(describe(cause));
    }

    private void finish(ProbeOutcome outcome) {
        if (promise.trySuccess(outcome)) {
            for (Channel c : channels) {
                c.close();
            }
            channels.clear();
        }
    }

    /** A short, stable text for a probe error. */
    static String describe(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t instanceof io.netty.handler.codec.DecoderException)) {
            t = t.getCause();
        }
        if (t instanceof ConnectException) {
            String m = t.getMessage() == null ? "" : t.getMessage();
            if (m.contains("refused")) {
                return "connection refused";
            }
            return m.contains("timed out") ? "connect timed out" : "connect failed: " + m;
        }
        if (t instanceof PortUnreachableException) {
            return "port unreachable";
        }
        if (t instanceof ClosedChannelException) {
            return "connection closed";
        }
        String message = t.getMessage();
        return message == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + message;
    }
}
