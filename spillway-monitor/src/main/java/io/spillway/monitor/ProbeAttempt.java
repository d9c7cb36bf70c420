package io.spillway.monitor;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One probe in flight: its start time, the channels it opened and the receiver of its
 * outcome. The first of success, failure, timeout or abort wins, closes every channel the
 * attempt opened, so that no probe outlives its timeout or leaks a socket, and hands the
 * outcome to the receiver, once.
 *
 * <p>Confined to its event loop: the probe's channels are registered on that loop, its timeout
 * is scheduled there, and whatever finishes it elsewhere (the ICMP threads) hops onto the loop
 * first. Hence a plain callback and flag instead of a promise with listeners: an attempt is made
 * thousands of times a second.
 */
final class ProbeAttempt {

    private final EventLoop loop;
    private final long startNanos = System.nanoTime();
    private final Consumer<ProbeOutcome> receiver;
    private boolean done;
    private Channel channel;
    private List<Channel> moreChannels;

    /** @param receiver called once, on the loop, with the outcome */
    ProbeAttempt(EventLoop loop, Consumer<ProbeOutcome> receiver) {
        this.loop = loop;
        this.receiver = receiver;
    }

    EventLoop loop() {
        return loop;
    }

    long startNanos() {
        return startNanos;
    }

    boolean isDone() {
        return done;
    }

    /** Closes {@code channel} when the attempt ends (at once if it already has). */
    void track(Channel c) {
        if (done) {
            c.close();
        } else if (channel == null) {
            channel = c;
        } else {
            if (moreChannels == null) {
                moreChannels = new ArrayList<>(2);
            }
            moreChannels.add(c);
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
        if (done) {
            return;
        }
        done = true;
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (moreChannels != null) {
            moreChannels.forEach(Channel::close);
            moreChannels = null;
        }
        receiver.accept(outcome);
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
