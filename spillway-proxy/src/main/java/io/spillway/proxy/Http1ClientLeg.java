package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.log.AccessAction;
import io.spillway.core.runtime.Service;
import io.spillway.proxy.internal.http1.Http1DecodeFailure;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.Http1Framing;
import io.spillway.proxy.internal.http1.Http1Method;
import io.spillway.proxy.internal.http1.Http1RequestDecoder;
import io.spillway.proxy.internal.http1.Http1Version;
import io.spillway.proxy.internal.http1.RequestHead;
import io.spillway.proxy.internal.http1.RequestHeadWriter;
import io.spillway.proxy.internal.http1.ResponseHead;

/**
 * An HTTP/1.1 client connection of an http or https vServer, as the {@link ClientLeg} of one
 * {@link ProxiedExchange} at a time (SPEC S1, S5, S8). The connection was admitted once, by
 * {@link AdmissionHandler}; each of its requests becomes an exchange with a service of the
 * admitting vServer. Requests are answered in order: a pipelined request waits in a short queue
 * of at most {@code limits.maxPipelined} requests, and reading stops while it waits.
 *
 * <pre>
 *  [tls] ─ timer ─ codec (Http1RequestDecoder) ─ http (this)     written: head and body bytes as they are
 * </pre>
 *
 * <p>Heads travel as bytes: the request head is forwarded as the received bytes with the proxy's
 * edits spliced in ({@link RequestHeadWriter}), the response head likewise
 * ({@link ResponseHeadWriter}), and bodies as slices of what was received, chunks included; the
 * decoders have checked every octet of the framing first. What is HTTP/1.1 here and nowhere
 * else: the response's framing for this client (keep-alive as it asked, close-delimited for a
 * body of unknown length or a chunked one decoded for HTTP/1.0), dropping 1xx for HTTP/1.0
 * clients, closing after a request the connection cannot be reused for, and the switch to a
 * {@link Relay} after {@code 101}. The response goes out through an {@link Http1ResponseWriter}, and
 * the switch to a tunnel is {@link Http1TunnelSwitch}'s.
 *
 * <p>A connection refused by a full chain with {@code whenFull: redirect} has no vServer: its
 * first request head is read (bounded by the header timeout) and answered with a 302 to the
 * redirect URL. A request the decoder refuses gets the status it names (400, 414, 431, 501, 505)
 * and the connection closes; so does one whose head does not arrive within the header timeout
 * (408), or whose body is late and slower than the minimum rate (408), or larger than
 * {@code limits.maxBody} (413). {@code CONNECT} gets 405;
 * a client over {@code limits.perClient} gets 429. A connection that
 * {@linkplain ClientConnection#serveOneRequest serves one request} is answered as when the
 * appliance drains: {@code Connection: close}, then closed.
 */
final class Http1ClientLeg extends ChannelInboundHandlerAdapter implements ClientLeg {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Http1ClientLeg.class);

    private final ClientConnection connection;
    private final PipelinedRequests pipelined = new PipelinedRequests();

    private Channel client;
    private ReadGate gate;
    private Http1RequestDecoder decoder;
    private RequestHeadWriter headWriter;
    private Http1ResponseWriter response;
    private ProxiedExchange exchange;
    private boolean draining;
    private boolean closing;
    private boolean inputShutdown;
    private final RequestRecord record;

    Http1ClientLeg(ClientConnection connection) {
        this.connection = connection;
        this.record = new RequestRecord(connection);
    }

    @Override
    public ClientConnection connection() {
        return connection;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        gate = new ReadGate(client, 0);
        decoder = ctx.pipeline().get(Http1RequestDecoder.class);
        headWriter = connection.requestHeadWriter();
        response = new Http1ResponseWriter(client, record);
        draining = connection.servesOneRequest(); // closes after its first answer, as when the appliance stops
        ctx.fireChannelActive();
    }

    // ---- clientToProxyRequest ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (pipelined.isEmpty()) {
            dispatch(msg);
        } else {
            pipelined.add(msg);
        }
        updateReading();
    }

    private void dispatch(Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (exchange == null) {
            clientToProxyRequest(msg);
        } else if (!exchange.requestComplete()) {
            if (msg instanceof ByteBuf content) {
                connection.timer().bodyReceived(content.readableBytes());
                record.received(content.readableBytes());
                long maxBody = connection.route().config().limits().maxBody();
                if (maxBody > 0 && record.bodyBytes() > maxBody) {
                    // a chunked body that outgrew the limit (a declared length was refused at the head)
                    content.release();
                    cutRequest(413, "the request body is larger than " + maxBody + " bytes");
                    return;
                }
                exchange.clientContent(content);
            } else if (msg instanceof Http1End end) {
                connection.timer().bodyDone();
                exchange.clientEnd(end);
            } else if (msg instanceof Http1DecodeFailure failure) {
                cutRequest(failure.status(), failure.reason());
            } else {
                ReferenceCountUtil.release(msg);
            }
        } else {
            pipelined.add(msg);
        }
    }

    private void clientToProxyRequest(Object msg) {
        if (msg instanceof Http1DecodeFailure failure) {
            connection.timer().headReceived();
            startRequest(null);
            respondAndClose(failure.status(), failure.reason());
            return;
        }
        if (!(msg instanceof RequestHead head)) {
            ReferenceCountUtil.release(msg); // the rest of a request already answered
            return;
        }
        connection.timer().headReceived();
        startRequest(head);
        ClientConnection.Refusal refusal = connection.refusal();
        if (refusal != null) {
            head.release();
            answerAndClose(refusal.status(), refusal.detail(), refusal.location(), refusal.action(), null);
            return;
        }
        if (head.isConnect()) {
            head.release();
            respondAndClose(405, "CONNECT is not proxied");
            return;
        }
        response.request(head.version(), head.keepAlive());
        long maxBody = connection.route().config().limits().maxBody();
        if (maxBody > 0 && head.framing() == Http1Framing.LENGTH && head.contentLength() > maxBody) {
            head.release();
            respondAndClose(413, "the request body is larger than " + maxBody + " bytes");
            return;
        }
        if (head.framing() == Http1Framing.CHUNKED || (head.framing() == Http1Framing.LENGTH && head.contentLength() > 0)) {
            connection.timer().bodyExpected();
        }
        Http1Method method = head.method();
        boolean upgrade = head.isUpgrade();
        ByteBuf forwarded = headWriter.write(client.alloc(), head);
        head.release(); // back to the event loop's spare heads (SpareHeads) for a next request
        ProxiedExchange ex = new ProxiedExchange(this, forwarded, method, upgrade, response.version() == Http1Version.HTTP_1_0);
        exchange = ex;
        ex.start();
    }

    /** Starts counting a request ({@code head} null: one that could not be decoded). */
    private void startRequest(RequestHead head) {
        boolean detail = head != null && record.wantsDetail();
        record.start(detail ? head.string(head.start(), head.methodEnd()) : null, detail ? head.target() : null,
                head == null ? 0 : head.length());
    }

    /** Reads from the client only while the current exchange can take the data and nothing waits. */
    private void updateReading() {
        if (client == null) {
            return;
        }
        gate.set(ReadGate.CLOSING, closing || inputShutdown);
        gate.set(ReadGate.PIPELINED, !pipelined.isEmpty());
        decoder.hold(pipelined.requests() >= connection.route().config().limits().maxPipelined());
        gate.set(ReadGate.PEER_FULL, exchange != null && !exchange.acceptsClientData());
        // what follows an upgrade request may be another protocol's: not read until the answer is known
        gate.set(ReadGate.UPGRADE_PENDING, exchange != null && exchange.upgradeRequested() && exchange.requestComplete());
    }

    @Override
    public void requestFlowChanged() {
        updateReading();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.flushToServer();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritabilityChanged(client.isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    // ---- proxyToClientResponse ----

    @Override
    public void proxyToClientInterim(ResponseHead head) {
        response.interim(head);
    }

    @Override
    public void proxyToClientResponse(ResponseHead head) {
        response.head(head, !closing && !draining);
    }

    @Override
    public void proxyToClientContent(ByteBuf content) {
        response.content(content);
    }

    @Override
    public void proxyToClientEnd(Http1End end) {
        response.end(end);
    }

    @Override
    public void flushToClient() {
        client.flush();
    }

    @Override
    public boolean isWritable() {
        return client.isWritable();
    }

    @Override
    public void exchangeComplete(ProxiedExchange done) {
        if (exchange != done) {
            return;
        }
        exchange = null;
        record.done(done.servedBy(), AccessAction.SERVED);
        if (response.closesConnection() || !done.requestComplete() || !response.keepAlive() || draining) {
            closing = true;
            Relay.closeOnFlush(client);
            if (client.isOpen()) {
                // the response is still on its way out: nothing more is read meanwhile (when it
                // had all been written the channel closed at once, without a last epoll_ctl)
                updateReading();
            }
            return;
        }
        connection.timer().awaitNextHead();
        while (!pipelined.isEmpty() && (exchange == null || !exchange.requestComplete())) {
            dispatch(pipelined.poll());
        }
        closeIfClientIsDone();
        updateReading();
    }

    @Override
    public void exchangeFailed(ProxiedExchange failed, int status, String detail) {
        if (exchange == failed) {
            exchange = null;
            answerAndClose(status, detail, null, AccessAction.SERVED, failed.servedBy());
        }
    }

    @Override
    public void exchangeBroken(ProxiedExchange broken) {
        if (exchange == broken) {
            exchange = null;
            closing = true;
            record.done(broken.servedBy(), AccessAction.SERVED);
            client.close();
        }
    }

    @Override
    public void upgradeRefused(ProxiedExchange ex) {
        if (exchange == ex) {
            decoder.upgradeRefused();
        }
    }

    @Override
    public void upgrade(ProxiedExchange ex, ResponseHead switching, ServerLeg server, Service service) {
        Http1TunnelSwitch.holdSlotUntilClosed(client, service);
        if (exchange != ex || !pipelined.isEmpty() || !client.isActive()) {
            switching.release();
            exchange = null;
            server.close();
            closing = true;
            client.close();
            return;
        }
        exchange = null;
        response.switchingProtocols(switching);
        record.done(ex.servedBy(), AccessAction.SERVED);
        Http1TunnelSwitch.start(connection, this, decoder, server);
    }

    /** A client that half-closed after its last request is closed once that request is answered. */
    private void closeIfClientIsDone() {
        if (inputShutdown && exchange == null && pipelined.isEmpty() && !closing) {
            closing = true;
            Relay.closeOnFlush(client);
        }
    }

    /**
     * Ends the exchange in flight before its request or response is complete: answers
     * {@code status} when nothing of the response was sent yet (0: no answer), otherwise, or
     * then, closes the connection.
     */
    private void cutRequest(int code, String detail) {
        ProxiedExchange ex = exchange;
        ex.abort();
        exchange = null;
        if (code > 0 && !response.started()) {
            answerAndClose(code, detail, null, AccessAction.SERVED, ex.servedBy());
        } else {
            closing = true;
            record.done(ex.servedBy(), AccessAction.SERVED);
            client.close();
        }
    }

    private void respondAndClose(int code, String detail) {
        answerAndClose(code, detail, null, AccessAction.SERVED, null);
    }

    /** Answers the current request with a response of the proxy's own, then closes. */
    private void answerAndClose(int code, String detail, String location, AccessAction action, String service) {
        closing = true;
        gate.close(ReadGate.CLOSING);
        response.answerAndClose(code, detail, location, action, service);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientTimer.HEAD_TIMEOUT) {
            if (exchange == null && !closing) {
                respondAndClose(408, "the request head did not arrive in time");
            }
        } else if (evt == ClientConnection.DRAIN) {
            // the appliance stops: the request in flight is answered with Connection: close, an idle connection closes now
            draining = true;
            if (exchange == null && !closing) {
                closing = true;
                updateReading();
                Relay.closeOnFlush(client);
            }
        } else if (evt == ClientTimer.BODY_TIMEOUT) {
            if (exchange != null && !exchange.requestComplete()) {
                cutRequest(408, "the request body did not arrive in time");
            }
        } else if (evt instanceof IdleStateEvent) {
            // while a request is in flight the service connection's own timer decides
            // (a 504 when the service never answered), so the client learns what happened
            if (exchange == null) {
                ctx.close();
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // the client sent FIN: answer what it asked for, then close (a truncated request is dropped)
            inputShutdown = true;
            if (exchange != null && !exchange.requestComplete()) {
                cutRequest(0, null);
            } else {
                closeIfClientIsDone();
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            cutRequest(0, null); // the client left before its answer was complete
        }
        closing = true;
        pipelined.releaseAll();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("closing {} after an error", ctx.channel(), cause);
        ctx.close();
    }
}
