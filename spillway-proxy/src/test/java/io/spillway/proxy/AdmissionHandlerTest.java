package io.spillway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.VirtualServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.spillway.proxy.Configs.vs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AdmissionHandler} alone, on an {@link EmbeddedChannel} from a client at 127.0.0.1: an
 * admitted connection holds a slot of its vServer until it closes and goes on down the pipeline
 * without the handler; a refused one is closed unread, or, on an http vServer that redirects,
 * goes on without a slot (the HTTP leg answers 302); one over {@code limits.perClient} takes no
 * slot and is closed (tcp) or goes on marked for a 429 (http).
 */
class AdmissionHandlerTest {

    @RegisterExtension
    static final TestNet net = new TestNet();

    /** What the admission handler let through: the connection, and whether the next handler saw it become active. */
    private record Admitted(EmbeddedChannel channel, ClientConnection connection, List<String> next) {
    }

    private static Admitted connect(RuntimeGraph graph, String vserver, ClientLimit limit) throws Exception {
        List<String> next = new ArrayList<>();
        EmbeddedClient ch = new EmbeddedClient(graph, vserver, net.transport);
        ch.pipeline().addLast("admission", new AdmissionHandler(ch.connection, limit, new AtomicReference<>()));
        ch.pipeline().addLast("next", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                next.add("active");
            }
        });
        ch.register();
        return new Admitted(ch, ch.connection, next);
    }

    private static RuntimeGraph oneSlot(VServerProtocol protocol, WhenFull whenFull) {
        return Configs.create().service("web", 9, 10)
                .vserver(vs("front", protocol, "web").staticThreshold(1).whenFull(whenFull,
                        whenFull == WhenFull.REDIRECT ? "http://elsewhere.example/" : null)).graph();
    }

    @Test
    void anAdmittedConnectionHoldsASlotUntilItClosesAndGoesOnWithoutTheHandler() throws Exception {
        RuntimeGraph graph = oneSlot(VServerProtocol.TCP, WhenFull.DROP);
        Admitted a = connect(graph, "front", new ClientLimit());

        assertThat(a.channel().isOpen()).isTrue();
        assertThat(a.next()).containsExactly("active");
        assertThat(a.channel().pipeline().get("admission")).as("removed once it decided").isNull();
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(1);

        a.channel().close().sync();
        assertThat(graph.vserver("front").activeConnections()).as("given back at close").isZero();
    }

    @ParameterizedTest
    @EnumSource(value = WhenFull.class, names = {"DROP", "REDIRECT"})
    void aTcpConnectionTheFullChainRefusesIsClosedUnreadWithoutASlotEvenWhereItWouldRedirect(WhenFull whenFull)
            throws Exception {
        RuntimeGraph graph = oneSlot(VServerProtocol.TCP, whenFull);
        Admitted first = connect(graph, "front", new ClientLimit());

        Admitted refused = connect(graph, "front", new ClientLimit());

        assertThat(refused.channel().isOpen()).isFalse();
        assertThat(refused.next()).as("never reaches the relay").isEmpty();
        VirtualServer front = graph.vserver("front");
        assertThat(front.activeConnections()).isEqualTo(1);
        assertThat(whenFull == WhenFull.DROP ? front.drops() : front.redirects()).as("counted as the chain answered")
                .isEqualTo(1);
        first.channel().close().sync();
    }

    @Test
    void aRedirectingFullHttpVServerLetsTheConnectionOnWithoutASlotForA302() throws Exception {
        RuntimeGraph graph = oneSlot(VServerProtocol.HTTP, WhenFull.REDIRECT);
        Admitted first = connect(graph, "front", new ClientLimit());

        Admitted redirected = connect(graph, "front", new ClientLimit());

        assertThat(redirected.channel().isOpen()).isTrue();
        assertThat(redirected.next()).containsExactly("active");
        assertThat(redirected.connection().vserver()).as("no slot").isNull();
        assertThat(graph.vserver("front").activeConnections()).isEqualTo(1);
        assertThat(graph.vserver("front").redirects()).isEqualTo(1);
        redirected.channel().close().sync();
        first.channel().close().sync();
        assertThat(graph.vserver("front").activeConnections()).isZero();
    }

    @Test
    void aClientOverItsPerClientLimitTakesNoSlotAndIsClosedOnTcpOrMarkedFor429OnHttp() throws Exception {
        RuntimeGraph tcp = Configs.create().service("web", 9, 10)
                .vserver(vs("front", VServerProtocol.TCP, "web").perClient(1)).graph();
        ClientLimit tcpLimit = new ClientLimit();
        Admitted held = connect(tcp, "front", tcpLimit);
        Admitted over = connect(tcp, "front", tcpLimit);
        assertThat(over.channel().isOpen()).isFalse();
        assertThat(over.next()).isEmpty();
        assertThat(tcp.vserver("front").activeConnections()).isEqualTo(1);
        held.channel().close().sync();
        Admitted again = connect(tcp, "front", tcpLimit);
        assertThat(again.channel().isOpen()).as("the client's place was given back at close").isTrue();
        again.channel().close().sync();

        RuntimeGraph http = Configs.create().service("web", 9, 10)
                .vserver(vs("front", VServerProtocol.HTTP, "web").perClient(1)).graph();
        ClientLimit httpLimit = new ClientLimit();
        Admitted first = connect(http, "front", httpLimit);
        Admitted marked = connect(http, "front", httpLimit);
        assertThat(marked.channel().isOpen()).isTrue();
        assertThat(marked.next()).containsExactly("active");
        assertThat(marked.connection().isOverClientLimit()).isTrue();
        assertThat(marked.connection().vserver()).isNull();
        assertThat(http.vserver("front").activeConnections()).isEqualTo(1);
        marked.channel().close().sync();
        first.channel().close().sync();
    }
}
