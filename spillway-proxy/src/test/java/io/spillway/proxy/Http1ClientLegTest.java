package io.spillway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.proxy.internal.http1.Http1RequestDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;

import java.util.concurrent.atomic.AtomicReference;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http1ClientLeg} behind the request decoder and the admission handler, as
 * {@link ClientPipeline} puts them, on an {@link EmbeddedClient}: what the client leg answers by
 * itself, before any service is involved. A request it cannot parse or that exceeds a limit is
 * answered with the status that names the problem and the connection is closed; a connection
 * the full chain redirects is answered 302 to the backup URL; the slot is given back at close.
 */
class Http1ClientLegTest {

    private static final int MAX_REQUEST_LINE = 256;
    private static final int MAX_HEADER_SIZE = 512;

    @RegisterExtension
    static final TestNet net = new TestNet();

    private static EmbeddedClient connect(RuntimeGraph graph) throws Exception {
        EmbeddedClient ch = new EmbeddedClient(graph, "front", net.transport);
        ch.pipeline().addLast("admission", new AdmissionHandler(ch.connection, new ClientLimit(), new AtomicReference<>()));
        ch.pipeline().addLast(ClientPipeline.CODEC, new Http1RequestDecoder(MAX_REQUEST_LINE, MAX_HEADER_SIZE, true));
        ch.pipeline().addLast(ClientPipeline.HTTP, new Http1ClientLeg(ch.connection));
        ch.register();
        return ch;
    }

    /** One slot on a service nothing listens on: nothing here ever reaches it. */
    private static RuntimeGraph oneSlot(WhenFull whenFull) {
        return Configs.create().service("web", 9, 10)
                .vserver(vs("front", VServerProtocol.HTTP, "web").staticThreshold(1).whenFull(whenFull,
                        whenFull == WhenFull.REDIRECT ? "http://elsewhere.example/" : null)).graph();
    }

    /** Writes {@code request} as the client's bytes and returns everything the proxy wrote back. */
    private static String exchange(EmbeddedClient ch, String request) {
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        ch.runPendingTasks();
        StringBuilder out = new StringBuilder();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    @Test
    void aRequestLineThatIsNotHttpIsAnswered400AndTheConnectionClosedWithItsSlotGivenBack() throws Exception {
        RuntimeGraph graph = oneSlot(WhenFull.DROP);
        EmbeddedClient ch = connect(graph);
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(1);

        String answer = exchange(ch, "HELLO THERE\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(ch.isOpen()).isFalse();
        assertThat(graph.vserver("front").activeConnections()).isZero();
    }

    @Test
    void aRequestLineOverTheLimitIsAnswered414() throws Exception {
        EmbeddedClient ch = connect(oneSlot(WhenFull.DROP));

        String answer = exchange(ch, "GET /" + "a".repeat(MAX_REQUEST_LINE) + " HTTP/1.1\r\nHost: x\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 414 ");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void headerFieldsOverTheLimitAreAnswered431() throws Exception {
        EmbeddedClient ch = connect(oneSlot(WhenFull.DROP));

        String answer = exchange(ch, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(MAX_HEADER_SIZE) + "\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 431 ");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aRequestWithBothContentLengthAndChunkedIsRefused400NeverForwarded() throws Exception {
        EmbeddedClient ch = connect(oneSlot(WhenFull.DROP));

        String answer = exchange(ch, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aConnectionTheFullChainRedirectsIsAnswered302ToTheBackupUrlWithoutASlot() throws Exception {
        RuntimeGraph graph = oneSlot(WhenFull.REDIRECT);
        EmbeddedClient first = connect(graph);
        EmbeddedClient redirected = connect(graph);

        String answer = exchange(redirected, "GET /cart HTTP/1.1\r\nHost: shop.example\r\n\r\n");

        assertThat(answer).startsWith("HTTP/1.1 302 ");
        assertThat(answer.lines()).anyMatch(l -> l.regionMatches(true, 0, "Location: http://elsewhere.example/", 0,
                "Location: http://elsewhere.example/".length()));
        assertThat(graph.vserver("front").activeConnections()).as("only the first holds a slot").isEqualTo(1);
        first.close().sync();
        redirected.close().sync();
        assertThat(graph.vserver("front").activeConnections()).isZero();
    }
}
