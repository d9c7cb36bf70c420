package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.runtime.RuntimeGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http2Detector} on an {@link EmbeddedClient} in clear text, behind the admission that
 * starts every client pipeline: an HTTP/1.1 request
 * goes to the HTTP/1.1 codec at its first octet, whole; bytes that are a prefix of the HTTP/2
 * connection preface are held until they are the preface (the HTTP/2 handlers take the
 * connection, and answer with their SETTINGS) or differ from it (all of them go on to HTTP/1.1).
 */
class Http2DetectorTest {

    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    @RegisterExtension
    static final TestNet net = new TestNet();
    private EmbeddedClient ch;
    private final List<String> codecSaw = new ArrayList<>();

    @BeforeEach
    void connect() throws Exception {
        RuntimeGraph graph = Configs.create().service("web", 9, 10)
                .vserver(vs("front", VServerProtocol.HTTP, "web")).graph();
        ch = new EmbeddedClient(graph, "front", net.transport);
        ch.pipeline().addLast("admission", new AdmissionHandler(ch.connection, new ClientLimit(), new AtomicReference<>())); // as every client pipeline starts
        ch.pipeline().addLast("h2detect", new Http2Detector(ch.connection));
        ch.pipeline().addLast(ClientPipeline.CODEC, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                codecSaw.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                ReferenceCountUtil.release(msg);
            }
        });
        ch.pipeline().addLast(ClientPipeline.HTTP, new ChannelInboundHandlerAdapter());
        ch.register();
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
    }

    private void receive(String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    @Test
    void anHttp1RequestGoesWholeToTheHttp1CodecAndTheDetectorLeaves() {
        receive("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

        assertThat(codecSaw).containsExactly("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(ch.pipeline().names()).doesNotContain("h2detect").contains(ClientPipeline.CODEC, ClientPipeline.HTTP);
    }

    @Test
    void aPrefixOfThePrefaceIsHeldAndHandedOnWholeOnceItDiffers() {
        receive("PRI * HT");
        assertThat(codecSaw).as("held while it may be the preface").isEmpty();
        assertThat(ch.pipeline().names()).contains("h2detect");

        receive("TP/1.1\r\n\r\n");

        assertThat(codecSaw).containsExactly("PRI * HTTP/1.1\r\n\r\n");
        assertThat(ch.pipeline().names()).doesNotContain("h2detect");
    }

    @Test
    void thePrefaceHandsTheConnectionToHttp2WhichAnswersWithItsSettings() {
        receive(PREFACE.substring(0, 10));
        receive(PREFACE.substring(10));

        assertThat(codecSaw).isEmpty();
        assertThat(ch.pipeline().names()).doesNotContain("h2detect", ClientPipeline.CODEC, ClientPipeline.HTTP)
                .contains("h2", "h2conn", "h2mux");
        ByteBuf settings = ch.readOutbound();
        try {
            assertThat(settings.getByte(settings.readerIndex() + 3)).as("frame type SETTINGS").isEqualTo((byte) 0x4);
        } finally {
            settings.release();
        }
    }

    @Test
    void bytesHeldWhenTheConnectionClosesAreReleased() {
        receive("PRI * ");
        ch.close();

        assertThat(codecSaw).isEmpty();
        assertThat(ch.pipeline().names()).doesNotContain("h2detect");
    }
}
