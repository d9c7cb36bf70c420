package io.spillway.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The timeouts of a client connection on one scheduled task (SPEC S8, {@code timeouts.idle} and
 * {@code timeouts.header}, and {@code timeouts.tunnel} once the connection is a tunnel). It replaces an {@code IdleStateHandler} plus a separate head timer:
 * an idle keep-alive connection is held by thousands, so each of them costs one handler and at
 * most one pending task instead of two handlers and two tasks, and a keep-alive request whose
 * head arrives in one read schedules nothing at all.
 *
 * <p><b>Idle:</b> when nothing was read from or flushed to the connection for the idle timeout,
 * {@link IdleStateEvent#ALL_IDLE_STATE_EVENT} is fired (again after each further idle period, as
 * {@code IdleStateHandler} does). <b>Request head</b> (http, https; a header timeout of 0 turns it
 * off): the time a client has to send a complete request head, counted from the connection's
 * start and, on a keep-alive connection, from the first byte of each following request (the
 * wait between requests is the idle timeout's business). Sits before the HTTP codec so that it
 * sees raw bytes; the frontend handler tells it when a head is complete. A slow client that
 * never finishes its head (slowloris) gets {@link #HEAD_TIMEOUT} fired at the frontend.
 *
 * <p>Deadlines are plain fields; the one task, when it runs, fires what is due and schedules
 * itself for the next deadline. A head deadline set during a read is only given a task when the
 * read ends without the head being complete.
 */
final class ClientTimer extends ChannelDuplexHandler {

    /** User event fired when a request head did not arrive in time. */
    static final Object HEAD_TIMEOUT = new Object() {
        @Override
        public String toString() {
            return "RequestHeadTimeout";
        }
    };

    private long idleNanos;
    private long headNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> task;
    /** When the scheduled task runs (nanoTime), valid while {@link #task} is set. */
    private long taskAt;
    private long lastActivity;
    /** When the current request head is due (nanoTime); 0: no head awaited on a clock. */
    private long headDeadline;
    private boolean awaitingHead;
    private boolean bytesAhead;
    private boolean closed;

    /** {@code headerTimeoutMillis} 0: no head timeout (tcp relays). */
    ClientTimer(long idleTimeoutMillis, long headerTimeoutMillis) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
        this.headNanos = TimeUnit.MILLISECONDS.toNanos(headerTimeoutMillis);
        this.awaitingHead = headerTimeoutMillis > 0;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        lastActivity = System.nanoTime();
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
                headDeadline = System.nanoTime() + headNanos;
            }
        } else if (headNanos > 0) {
            bytesAhead = true; // part of a pipelined request
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        lastActivity = System.nanoTime();
        if (headDeadline != 0 && task != null && taskAt - headDeadline > 0) {
            // a head is still incomplete and due before the task runs: run it earlier
            task.cancel(false);
            task = null;
        }
        if (task == null) {
            schedule(lastActivity);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        lastActivity = System.nanoTime();
        ctx.flush();
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

    /**
     * The previous exchange is over; the head clock starts again at the next request's first
     * byte, or now when bytes of it came in while the previous one was being answered.
     */
    void awaitNextHead() {
        if (headNanos == 0) {
            return;
        }
        awaitingHead = true;
        if (bytesAhead) {
            bytesAhead = false;
            headDeadline = System.nanoTime() + headNanos;
            if (task != null && taskAt - headDeadline > 0) {
                task.cancel(false);
                task = null;
            }
            if (task == null) {
                schedule(System.nanoTime());
            }
        }
    }

    /**
     * The connection became a tunnel (an upgraded HTTP connection): no request head is awaited any
     * more, and the idle timeout becomes the tunnel's.
     */
    void tunnel(long tunnelTimeoutMillis) {
        headNanos = 0;
        awaitingHead = false;
        bytesAhead = false;
        headDeadline = 0;
        idleNanos = TimeUnit.MILLISECONDS.toNanos(tunnelTimeoutMillis);
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        schedule(System.nanoTime());
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
        if (headDeadline != 0 && headDeadline - at < 0) {
            at = headDeadline;
        }
        taskAt = at;
        task = ctx.executor().schedule(this::run, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }

    private void run() {
        task = null;
        if (closed || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (headDeadline != 0 && now - headDeadline >= 0) {
            headDeadline = 0;
            if (awaitingHead) {
                ctx.fireUserEventTriggered(HEAD_TIMEOUT);
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
