package io.spillway.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;

import java.util.concurrent.TimeUnit;

/**
 * Every timeout of a client connection on one scheduled task (SPEC S8; {@code timeouts.idle},
 * {@code header}, {@code body}, {@code send} and, once the connection is a tunnel,
 * {@code tunnel}). An idle keep-alive connection is held by thousands, so each of them costs one
 * handler and at most one pending task, and a keep-alive request whose head and body arrive in
 * one read schedules nothing at all.
 *
 * <p><b>Idle:</b> when nothing was read from or flushed to the connection for the idle timeout,
 * {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} is fired (again after each further idle period, as
 * {@code IdleStateHandler} does). <b>Request head</b> (http, https; 0 turns it off): the time a
 * client has to send a complete request head, counted from the connection's start and, on a
 * keep-alive connection, from the first byte of each following request (the wait between
 * requests is the idle timeout's business); a slow client that never finishes its head
 * (slowloris) gets {@link #HEAD_TIMEOUT}. <b>Request body:</b> from a head whose body is still to
 * come, the body has the body timeout to arrive; past it the body is cut ({@link #BODY_TIMEOUT})
 * unless it has been arriving at least at the minimum rate on average, in which case it is
 * looked at again each second: a slow-body attack is cut, a large upload on a good line is not.
 * <b>Send:</b> while the connection's outbound buffer is above its high water mark (the client
 * takes nothing of what waits for it), the send timeout runs; when it expires the connection is
 * closed (a slow-read attack holds nothing longer than that).
 *
 * <p>Sits before the HTTP codec so that it sees raw bytes; the HTTP leg tells it when a head is
 * complete and where a body starts and ends. Deadlines are plain fields; the one task, when it
 * runs, fires what is due and schedules itself for the next deadline.
 */
final class ClientTimer extends ChannelDuplexHandler implements Runnable {

    /** User event fired when a request head did not arrive in time. */
    static final Object HEAD_TIMEOUT = new Object() {
        @Override
        public String toString() {
            return "RequestHeadTimeout";
        }
    };

    /** User event fired when a request body is too slow: late, and below the minimum rate. */
    static final Object BODY_TIMEOUT = new Object() {
        @Override
        public String toString() {
            return "RequestBodyTimeout";
        }
    };

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClientTimer.class);

    private long idleNanos;
    private long headNanos;
    private final long bodyNanos;
    private final long minBodyRate;
    private final long sendNanos;
    private ChannelHandlerContext ctx;
    /** The event loop's clock, the one its scheduled tasks run by (an embedded loop's can be advanced). */
    private Ticker ticker;
    private ScheduledFuture<?> task;
    /** When the scheduled task runs (the ticker's nanoTime), valid while {@link #task} is set. */
    private long taskAt;
    private long lastActivity;
    /** When the current request head is due (the ticker's nanoTime); 0: no head awaited on a clock. */
    private long headDeadline;
    private boolean awaitingHead;
    private boolean bytesAhead;
    /** When the current body is looked at (the ticker's nanoTime); 0: no body awaited. */
    private long bodyDeadline;
    private long bodyStart;
    private long bodyBytes;
    /** When a client that reads nothing is closed (the ticker's nanoTime); 0: the client keeps up. */
    private long sendDeadline;
    private boolean closed;

    /**
     * @param headerTimeoutMillis 0: no head timeout (tcp relays)
     * @param bodyTimeoutMillis   0: no body timeout (tcp relays)
     */
    ClientTimer(long idleTimeoutMillis, long headerTimeoutMillis, long bodyTimeoutMillis, long minBodyRate,
                long sendTimeoutMillis) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.headNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
        this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMillis);
        this.minBodyRate = minBodyRate;
        this.sendNanos = TimeUnit.MILLISECONDS.toNanos(sendTimeoutMillis);
        this.awaitingHead = headerTimeoutMillis > 0;
    }

    /** The timer of a client connection of {@code route}'s vServer. */
    static ClientTimer of(Route route) {
        var t = route.config().timeouts();
        boolean http = route.isHttp();
        return new ClientTimer(route.idleTimeoutMillis(), http ? route.headerTimeoutMillis() : 0,
                http ? Math.max(1, t.body().toMillis()) : 0, route.config().limits().minBodyRate(),
                Math.max(1, t.send().toMillis()));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        lastActivity = ticker.nanoTime();
        if (awaitingHead) {
            headDeadline = lastActivity + headNanos;
        }
        schedule(lastActivity);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHead) {
            if (headDeadline == 0) {
                headDeadline = ticker.nanoTime() + headNanos;
            }
        } else if (headNanos > 0) {
            bytesAhead = true; // part of a pipelined request
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastActivity = ticker.nanoTime();
        rescheduleIfDueBefore(headDeadline);
        rescheduleIfDueBefore(bodyDeadline);
        if (task == null) {
            schedule(lastActivity);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        lastActivity = ticker.nanoTime();
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            sendDeadline = 0;
        } else if (sendDeadline == 0) {
            sendDeadline = ticker.nanoTime() + sendNanos;
            rescheduleIfDueBefore(sendDeadline);
            if (task == null) {
                schedule(ticker.nanoTime());
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    /** A complete request head arrived. */
    void headReceived() {
        awaitingHead = false;
        bytesAhead = false;
        headDeadline = 0;
    }

    /** The body of the request whose head just arrived is still to come. */
    void bodyExpected() {
        if (bodyNanos == 0) {
            return;
        }
        bodyStart = ticker.nanoTime();
        bodyBytes = 0;
        bodyDeadline = bodyStart + bodyNanos;
        // a task is running anyway while the body is read; it is moved only when due later
        if (task == null) {
            schedule(bodyStart);
        } else {
            rescheduleIfDueBefore(bodyDeadline);
        }
    }

    /** {@code n} more bytes of the current body arrived. */
    void bodyReceived(long n) {
        bodyBytes += n;
    }

    /** The current body is complete (or no longer awaited). */
    void bodyDone() {
        bodyDeadline = 0;
    }

    /**
     * The previous exchange is over; the head clock starts again at the next request's first
     * byte, or now when bytes of it came in while the previous one was being answered.
     */
    void awaitNextHead() {
        bodyDeadline = 0;
        if (headNanos == 0) {
            return;
        }
        awaitingHead = true;
        if (bytesAhead) {
            bytesAhead = false;
            headDeadline = ticker.nanoTime() + headNanos;
            rescheduleIfDueBefore(headDeadline);
            if (task == null) {
                schedule(ticker.nanoTime());
            }
        }
    }

    /**
     * The connection became a tunnel (an upgraded HTTP connection): no request head or body is
     * awaited any more, and the idle timeout becomes the tunnel's.
     */
    void tunnel(long tunnelTimeoutMillis) {
        headNanos = 0;
        awaitingHead = false;
        bytesAhead = false;
        headDeadline = 0;
        bodyDeadline = 0;
        idleNanos = TimeUnit.MILLISECONDS.toNanos(tunnelTimeoutMillis);
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        schedule(ticker.nanoTime());
    }

    /** Cancels the task when {@code deadline} (0: none) falls before it, so that it is scheduled anew. */
    private void rescheduleIfDueBefore(long deadline) {
        if (deadline != 0 && task != null && taskAt - deadline > 0) {
            task.cancel(false);
            task = null;
        }
    }

    private void stop() {
        closed = true;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void schedule(long now) {
        if (closed || !ctx.channel().isActive()) {
            return;
        }
        long at = lastActivity + idleNanos;
        at = earlier(at, headDeadline);
        at = earlier(at, bodyDeadline);
        at = earlier(at, sendDeadline);
        taskAt = at;
        task = ctx.executor().schedule(this, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private static long earlier(long at, long deadline) {
        return deadline != 0 && deadline - at < 0 ? deadline : at;
    }

    /** The one task: fires what is due, then schedules itself for the next deadline. */
    @Override
    public void run() {
        task = null;
        if (closed || !ctx.channel().isActive()) {
            return;
        }
        long now = ticker.nanoTime();
        if (sendDeadline != 0 && now - sendDeadline >= 0) {
            log.debug("{}: the client took nothing of its response for the send timeout", ctx.channel());
            ctx.close();
            return;
        }
        if (headDeadline != 0 && now - headDeadline >= 0) {
            headDeadline = 0;
            if (awaitingHead) {
                ctx.fireUserEventTriggered(HEAD_TIMEOUT);
            }
        }
        if (bodyDeadline != 0 && now - bodyDeadline >= 0) {
            double seconds = (double) (now - bodyStart) / SECOND;
            if (minBodyRate > 0 && bodyBytes >= minBodyRate * seconds) {
                bodyDeadline = now + SECOND; // fast enough so far: looked at again in a second
            } else {
                bodyDeadline = 0;
                ctx.fireUserEventTriggered(BODY_TIMEOUT);
            }
        }
        if (now - (lastActivity + idleNanos) >= 0) {
            lastActivity = now;
            ctx.fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        }
        if (task == null) {
            schedule(now);
        }
    }
}
