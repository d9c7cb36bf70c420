package io.spillway.gslb.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The framing and the challenge-response on their own, without sockets. */
class FrameAndAuthTest {

    static EmbeddedChannel codec() {
        return new EmbeddedChannel(new LengthFieldBasedFrameDecoder(ExchangeSettings.MAX_FRAME_BYTES, 0, 4, 0, 4, true),
                new LengthFieldPrepender(4), new FrameCodec(ExchangeSettings.MAX_FRAME_BYTES));
    }

    static SiteReport report() {
        DomainReport d = new DomainReport("app.example.com", "shop", new HostPort("127.0.0.1", 8080), true, 10, 4, 6,
                6, 1234, 2.5, 3.5, 1, 0, 2, 3);
        return new SiteReport("branch-1", "agg", 1000, 7, 2000, List.of(d));
    }

    @Test
    void everyMessageSurvivesTheWireAndFramesSplitAnywhereAreReassembled() {
        EmbeddedChannel out = codec();
        List<ExchangeMessage> messages = List.of(
                new ExchangeMessage.Hello("b", "branch", 1, HmacAuth.newNonce(), new HostPort("127.0.0.1", 3011)),
                new ExchangeMessage.Auth("cHJvb2Y="),
                new ExchangeMessage.Report(report()),
                new ExchangeMessage.Snapshot(List.of(new ExchangeMessage.WireEntry(report(), 15, true)), true),
                new ExchangeMessage.Delta(List.of(new ExchangeMessage.WireEntry(report(), 0, false))),
                new ExchangeMessage.Peers(List.of(new ExchangeMessage.PeerAddress("agg-b", new HostPort("127.0.0.1", 1)))),
                new ExchangeMessage.Poll(),
                new ExchangeMessage.ResolveRequest(9, "app.example.com", "192.0.2.1"),
                new ExchangeMessage.ResolveAnswer(9, "app.example.com", "branch-1", new HostPort("127.0.0.1", 8080), 5000),
                new ExchangeMessage.ResolveAnswer(10, "app.example.com", null, null, 0),
                new ExchangeMessage.ResolveAnswer(11, "other.example.com", null, null, 0, true),
                new ExchangeMessage.Heartbeat(),
                new ExchangeMessage.Error("bad-frame", "why"));
        for (ExchangeMessage m : messages) {
            assertThat(out.writeOutbound(m)).isTrue();
        }
        ByteBuf wire = Unpooled.buffer();
        for (ByteBuf b = out.readOutbound(); b != null; b = out.readOutbound()) {
            wire.writeBytes(b);
            b.release();
        }
        EmbeddedChannel in = codec();
        // feed the bytes in uneven pieces, as TCP may deliver them
        while (wire.isReadable()) {
            in.writeInbound(wire.readRetainedSlice(Math.min(7, wire.readableBytes())));
        }
        wire.release();
        for (ExchangeMessage expected : messages) {
            assertThat((Object) in.readInbound()).isEqualTo(expected);
        }
        assertThat((Object) in.readInbound()).isNull();
    }

    @Test
    void decodingRejectsWhatIsNotAMessageOfThisVersion() {
        for (String body : List.of("", "null", "42", "{}", "{\"v\":1}", "{\"v\":\"one\",\"type\":\"poll\"}",
                "{\"v\":1,\"type\":\"report\",\"report\":null}", "{\"v\":1,\"type\":\"delta\",\"entries\":[{\"ageMillis\":-1}]}",
                "{\"v\":1,\"type\":\"resolve\",\"id\":1}")) {
            ByteBuf frame = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            assertThatThrownBy(() -> FrameCodec.decode(frame)).as(body).isInstanceOf(ProtocolException.class);
            frame.release();
        }
        ByteBuf v2 = Unpooled.copiedBuffer("{\"v\":2,\"type\":\"poll\"}", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FrameCodec.decode(v2)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo("unsupported-version"));
        v2.release();
        ByteBuf reordered = Unpooled.copiedBuffer("{\"type\":\"poll\",\"v\":1}", StandardCharsets.UTF_8);
        assertThat(FrameCodec.decode(reordered)).isEqualTo(new ExchangeMessage.Poll());
        reordered.release();
    }

    @Test
    void proofsVerifyOnlyForTheSameSecretNoncesNamesAndDirection() {
        HmacAuth auth = new HmacAuth("s3cret");
        String dn = HmacAuth.newNonce();
        String an = HmacAuth.newNonce();
        assertThat(dn).isNotEqualTo(an);
        String dialerProof = auth.proof("dialer", dn, an, "branch", "agg");
        assertThat(auth.verify(dialerProof, "dialer", dn, an, "branch", "agg")).isTrue();
        assertThat(new HmacAuth("other").verify(dialerProof, "dialer", dn, an, "branch", "agg")).isFalse();
        // replayed on a connection with another acceptor nonce
        assertThat(auth.verify(dialerProof, "dialer", dn, HmacAuth.newNonce(), "branch", "agg")).isFalse();
        // reflected: the dialer's own proof sent back as the acceptor's
        assertThat(auth.verify(dialerProof, "acceptor", dn, an, "branch", "agg")).isFalse();
        assertThat(auth.verify(dialerProof, "dialer", dn, an, "branch", "agg-x")).isFalse();
        assertThat(auth.verify("", "dialer", dn, an, "branch", "agg")).isFalse();
        assertThat(auth.verify(null, "dialer", dn, an, "branch", "agg")).isFalse();
        assertThat(dialerProof).doesNotContain("s3cret");
    }

    @Test
    void resolvedFromAnOlderAggregatorWithoutUnknownDomainDecodes() throws Exception {
        ExchangeMessage m = FrameCodec.JSON.readValue("{\"type\":\"resolved\",\"id\":3,\"domain\":\"a.example.com\","
                + "\"site\":null,\"address\":null,\"ttlMillis\":0}", ExchangeMessage.class);
        assertThat(m).isInstanceOf(ExchangeMessage.ResolveAnswer.class);
        assertThat(((ExchangeMessage.ResolveAnswer) m).unknown()).isFalse();
    }
}
