package io.spillway.gslb.internal.exchange;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.testing.FuzzedWrites;
import io.spillway.testing.TrackingAllocator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Coverage-guided fuzzing of the exchange port's inbound path (length-prefixed frames, the JSON
 * codec, the session's handshake and message handling) through an {@link EmbeddedChannel} built
 * like {@link ExchangePipeline} (no TLS, no idle timer), as an aggregator accepting a branch:
 * once with the fuzzer's octets as the first thing a peer sends, once after a correct
 * handshake. Invariants: no exception other than the protocol's own refusals (a bad frame, a
 * frame too long or corrupt) reaches the session or escapes it; a refused connection is closed;
 * every buffer is released.
 */
class ExchangeFrameFuzzTest {

    private static final String SECRET = "fuzzing-secret";
    private static final int MAX_FRAME = 16 * 1024;

    static {
        FrameCodec.prepare();
    }

    @FuzzTest
    void beforeAuthentication(FuzzedDataProvider data) throws Exception {
        run(data, false);
    }

    @FuzzTest
    void afterAuthentication(FuzzedDataProvider data) throws Exception {
        run(data, true);
    }

    private static void run(FuzzedDataProvider data, boolean authenticate) throws Exception {
        int[] cuts = FuzzedWrites.cuts(data);
        byte[] input = data.consumeRemainingAsBytes();

        TrackingAllocator alloc = new TrackingAllocator();
        Listener listener = new Listener();
        Guard guard = new Guard(new ExchangeSession(local(), false, listener));
        // registered after the allocator is set: the session starts its handshake in channelActive
        EmbeddedChannel ch = new EmbeddedChannel(false, false,
                new LengthFieldBasedFrameDecoder(MAX_FRAME, 0, 4, 0, 4, true),
                new LengthFieldPrepender(4),
                new FrameCodec(MAX_FRAME),
                guard);
        ch.config().setAllocator(alloc);
        try {
            ch.register();
            if (authenticate) {
                handshake(ch, alloc);
                if (listener.established != 1) {
                    throw new AssertionError("the handshake did not establish the link");
                }
            }
            for (ByteBuf part : FuzzedWrites.split(alloc, input, cuts)) {
                if (!ch.isOpen()) {
                    // what a peer sends after the close never arrives
                    part.release();
                    continue;
                }
                ch.writeInbound(part);
                releaseOutbound(ch);
            }
            ch.checkException();
            if (guard.refused && ch.isOpen()) {
                throw new AssertionError("a connection refused for a protocol error stays open");
            }
            if (!authenticate && listener.established != 0) {
                throw new AssertionError("a peer without the secret established a link");
            }
        } finally {
            ch.finishAndReleaseAll();
        }
        if (guard.unexpected != null) {
            throw new AssertionError("the exchange session got an unexpected exception", guard.unexpected);
        }
        alloc.assertAllReleased();
    }

    private static LocalEnd local() {
        ExchangeSettings settings = new ExchangeSettings(Duration.ofSeconds(1), Duration.ofSeconds(3),
                Duration.ofSeconds(3), MAX_FRAME, Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(2));
        return new LocalEnd("agg", GslbRole.AGGREGATOR, () -> new HostPort("127.0.0.1", 1), new HmacAuth(SECRET),
                settings);
    }

    /** Says hello as branch "br", reads the aggregator's nonce and proves the secret. */
    private static void handshake(EmbeddedChannel ch, TrackingAllocator alloc) {
        String nonce = HmacAuth.newNonce();
        ch.writeInbound(frame(alloc, new ExchangeMessage.Hello("br", "branch", ExchangeMessage.VERSION, nonce, null)));
        JsonNode hello = readOutbound(ch);
        String proof = new HmacAuth(SECRET).proof("dialer", nonce, hello.path("nonce").asText(), "br", "agg");
        ch.writeInbound(frame(alloc, new ExchangeMessage.Auth(proof)));
        JsonNode auth = readOutbound(ch);
        if (!"auth".equals(auth.path("type").asText())) {
            throw new AssertionError("expected the aggregator's auth, got " + auth);
        }
    }

    private static ByteBuf frame(TrackingAllocator alloc, ExchangeMessage m) {
        try {
            byte[] body = FrameCodec.encode(m);
            return alloc.buffer(4 + body.length).writeInt(body.length).writeBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one frame written since the last read, as JSON. */
    private static JsonNode readOutbound(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            try {
                sb.append(b.toString(StandardCharsets.UTF_8));
            } finally {
                b.release();
            }
        }
        try {
            return FrameCodec.JSON.readTree(sb.substring(4));
        } catch (IOException | StringIndexOutOfBoundsException e) {
            throw new AssertionError("not one frame: " + sb, e);
        }
    }

    private static void releaseOutbound(EmbeddedChannel ch) {
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }

    private static final class Listener implements LinkListener {
        int established;

        @Override
        public String refuse(ExchangeMessage.Hello peer) {
            return null;
        }

        @Override
        public void onEstablished(Link link) {
            established++;
        }

        @Override
        public void onMessage(Link link, ExchangeMessage message) {
        }

        @Override
        public void onClosed(Link link) {
        }
    }

    /**
     * The session, with every exception it is given or throws looked at first: the expected ones
     * are the refusals of hostile input; anything else is a finding.
     */
    private static final class Guard extends ChannelInboundHandlerAdapter {

        private final ExchangeSession session;
        Throwable unexpected;
        boolean refused;

        Guard(ExchangeSession session) {
            this.session = session;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            session.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                session.channelRead(ctx, msg);
            } catch (ProtocolException e) {
                exceptionCaught(ctx, e);
            } catch (RuntimeException e) {
                unexpected = e;
                session.exceptionCaught(ctx, e);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            session.channelInactive(ctx);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            session.userEventTriggered(ctx, evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            if (c instanceof ProtocolException || c instanceof TooLongFrameException
                    || c instanceof CorruptedFrameException) {
                refused = true;
            } else if (unexpected == null) {
                unexpected = cause;
            }
            session.exceptionCaught(ctx, cause);
        }
    }
}
