package io.spillway.gslb.internal.exchange;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.spillway.core.log.RateLimitedLog;
import io.spillway.core.model.GslbRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The state machine of one exchange connection (docs/gslb-protocol.md, "Handshake"):
 *
 * <pre>
 *  dialer                                  acceptor
 *  ------ hello(site, role, v, nonceD) ---->          AWAIT_HELLO
 *  AWAIT_HELLO <--- hello(site, role, v, nonceA) --
 *  ------ auth(proof of dialer) ----------->          AWAIT_AUTH: verify, else error + close
 *  AWAIT_AUTH  <--- auth(proof of acceptor) ------    ESTABLISHED
 *  verify, else error + close; ESTABLISHED
 * </pre>
 *
 * Before ESTABLISHED only hello and auth are accepted; anything else is a protocol error. A
 * connection not established within the handshake timeout is closed (the read-idle rule applies
 * only afterwards). Once established, the
 * session answers heartbeats itself, sends one when nothing was written for an interval, closes
 * the link when nothing was read for the read-idle time, and hands every other message to the
 * role's {@link LinkListener}. Every protocol error is answered with an error frame and a close.
 *
 * <p>Anyone who can reach the exchange port can make a connection fail before it authenticates,
 * as often as they like; so every line logged about a connection that is not (yet) established
 * goes through a {@link RateLimitedLog}, one per kind of event. Lines about established links
 * (an authenticated peer) are always written.
 */
public final class ExchangeSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ExchangeSession.class);
    private static final String DIALER = "dialer";
    private static final String ACCEPTOR = "acceptor";
    private static final RateLimitedLog refusedLog =
            RateLimitedLog.of(log, "exchange connections refused by the peer before authentication");
    private static final RateLimitedLog tlsLog = RateLimitedLog.of(log, "failed exchange TLS handshakes");
    private static final RateLimitedLog failedLog =
            RateLimitedLog.of(log, "exchange connections failed before authentication");
    private static final RateLimitedLog unauthenticatedLog =
            RateLimitedLog.of(log, "unauthenticated exchange connections closed");

    private enum State { AWAIT_HELLO, AWAIT_AUTH, ESTABLISHED, CLOSED }

    private final LocalEnd local;
    private final boolean dialer;
    private final LinkListener listener;
    private final String ownNonce = HmacAuth.newNonce();

    private State state = State.AWAIT_HELLO;
    private ExchangeMessage.Hello peer;
    private Link link;
    private ScheduledFuture<?> handshakeTimer;

    public ExchangeSession(LocalEnd local, boolean dialer, LinkListener listener) {
        this.local = local;
        this.dialer = dialer;
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long ms = local.settings().handshakeTimeout().toMillis();
        handshakeTimer = ctx.executor().schedule(() -> {
            if (state != State.ESTABLISHED && state != State.CLOSED) {
                fail(ctx.channel(), "handshake-timeout", "not authenticated within " + ms + " ms");
            }
        }, ms, TimeUnit.MILLISECONDS);
        if (dialer) {
            ctx.writeAndFlush(hello());
        }
        ctx.fireChannelActive();
    }

    private ExchangeMessage.Hello hello() {
        return new ExchangeMessage.Hello(local.site(), local.role().configName(), ExchangeMessage.VERSION,
                ownNonce, local.listen().get());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSED) {
            return;
        }
        ExchangeMessage m = (ExchangeMessage) msg;
        if (m instanceof ExchangeMessage.Error e && state != State.ESTABLISHED) {
            refusedLog.warn("exchange peer {} refused the connection: {}: {}", ctx.channel().remoteAddress(),
                    e.code(), e.message());
            state = State.CLOSED;
            ctx.close();
            return;
        }
        switch (state) {
            case AWAIT_HELLO -> onHello(ctx, m);
            case AWAIT_AUTH -> onAuth(ctx, m);
            case ESTABLISHED -> onEstablishedMessage(ctx, m);
            default -> { }
        }
    }

    private void onHello(ChannelHandlerContext ctx, ExchangeMessage m) {
        if (!(m instanceof ExchangeMessage.Hello h)) {
            throw unexpected(m, "hello");
        }
        if (h.version() != ExchangeMessage.VERSION) {
            throw new ProtocolException("unsupported-version", "peer speaks version " + h.version());
        }
        try {
            GslbRole.fromConfig(h.role());
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("bad-frame", "unknown role '" + h.role() + "'");
        }
        if (h.site().equals(local.site())) {
            throw new ProtocolException("refused", "peer has this appliance's own site name '" + h.site() + "'");
        }
        if (h.nonce().equals(ownNonce)) {
            throw new ProtocolException("refused", "peer echoed our nonce");
        }
        String refusal = listener.refuse(h);
        if (refusal != null) {
            throw new ProtocolException("refused", refusal);
        }
        this.peer = h;
        state = State.AWAIT_AUTH;
        if (dialer) {
            ctx.writeAndFlush(new ExchangeMessage.Auth(
                    local.auth().proof(DIALER, ownNonce, h.nonce(), local.site(), h.site())));
        } else {
            ctx.writeAndFlush(hello());
        }
    }

    private void onAuth(ChannelHandlerContext ctx, ExchangeMessage m) {
        if (!(m instanceof ExchangeMessage.Auth a)) {
            throw unexpected(m, "auth");
        }
        String peerDirection = dialer ? ACCEPTOR : DIALER;
        if (!local.auth().verify(a.proof(), peerDirection, peer.nonce(), ownNonce, peer.site(), local.site())) {
            throw new ProtocolException("auth-failed", "wrong proof of the shared secret");
        }
        if (!dialer) {
            ctx.writeAndFlush(new ExchangeMessage.Auth(
                    local.auth().proof(ACCEPTOR, ownNonce, peer.nonce(), local.site(), peer.site())));
        }
        state = State.ESTABLISHED;
        handshakeTimer.cancel(false);
        link = new Link(ctx.channel(), peer.site(), GslbRole.fromConfig(peer.role()), peer.listen(), dialer);
        log.debug("exchange link established: {}", link);
        listener.onEstablished(link);
    }

    private void onEstablishedMessage(ChannelHandlerContext ctx, ExchangeMessage m) {
        if (m instanceof ExchangeMessage.Heartbeat) {
            return;
        }
        if (m instanceof ExchangeMessage.Error e) {
            log.warn("exchange peer {} reports error {}: {}", link, e.code(), e.message());
            state = State.CLOSED;
            ctx.close();
            return;
        }
        if (m instanceof ExchangeMessage.Hello || m instanceof ExchangeMessage.Auth) {
            throw unexpected(m, "no further handshake message");
        }
        listener.onMessage(link, m);
    }

    private ProtocolException unexpected(ExchangeMessage m, String expected) {
        return new ProtocolException("unexpected", "expected " + expected + ", got " + typeName(m) + " in state " + state);
    }

    private static String typeName(ExchangeMessage m) {
        return m.getClass().getSimpleName().toLowerCase();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE && state == State.ESTABLISHED) {
                fail(ctx.channel(), "idle-timeout", "nothing received for " + local.settings().readIdle().toMillis() + " ms");
            } else if (idle.state() == IdleState.WRITER_IDLE && state == State.ESTABLISHED) {
                ctx.writeAndFlush(new ExchangeMessage.Heartbeat());
            }
            return;
        }
        if (evt instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            tlsLog.warn("exchange TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), tls.cause().toString());
            state = State.CLOSED;
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (c instanceof ProtocolException p) {
            fail(ctx.channel(), p.code(), p.getMessage());
        } else if (c instanceof TooLongFrameException) {
            fail(ctx.channel(), "frame-too-large", "frame exceeds " + local.settings().maxFrameBytes() + " bytes");
        } else if (c instanceof IOException && state == State.ESTABLISHED) {
            log.debug("exchange connection {} failed: {}", ctx.channel().remoteAddress(), c.toString());
            state = State.CLOSED;
            ctx.close();
        } else if (c instanceof IOException && state == State.AWAIT_AUTH) {
            failedLog.debug("exchange connection {} failed: {}", ctx.channel().remoteAddress(), c.toString());
            state = State.CLOSED;
            ctx.close();
        } else {
            if (state == State.ESTABLISHED) {
                log.warn("exchange connection {} failed: {}", ctx.channel().remoteAddress(), c.toString());
            } else {
                failedLog.warn("exchange connection {} failed: {}", ctx.channel().remoteAddress(), c.toString());
            }
            state = State.CLOSED;
            ctx.close();
        }
    }

    private void fail(Channel channel, String code, String message) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.ESTABLISHED) {
            log.warn("closing exchange connection {} ({}): {}: {}", channel.remoteAddress(), peer.site(), code, message);
        } else {
            // the site name is the peer's claim, not proven yet
            unauthenticatedLog.warn("closing unauthenticated exchange connection {} ({}): {}: {}",
                    channel.remoteAddress(), peer == null ? "unidentified" : "claims " + peer.site(), code, message);
        }
        state = State.CLOSED;
        closeWithError(channel, code, message);
    }

    static void closeWithError(Channel channel, String code, String message) {
        if (!channel.isActive()) {
            channel.close();
            return;
        }
        channel.writeAndFlush(new ExchangeMessage.Error(code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        state = State.CLOSED;
        if (link != null) {
            listener.onClosed(link);
        }
        ctx.fireChannelInactive();
    }
}
