package io.spillway.gslb.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.spillway.core.gslb.DomainLoad;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.ResourceUse;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The streaming reader of reports, deltas and snapshots reads what the writer writes exactly as
 * data binding does, and leaves every other shape to data binding, so that which frames are
 * accepted, and what they mean, does not depend on which path read them.
 */
class ReportFrameReaderTest {

    static final DomainLoad LOAD = new DomainLoad(100, 40, 3, 12, 5000, 250_000, 3, 2, 1, 17,
            new double[] {-1, 8.5, 12.25, 9});

    static final SiteReport REPORT = new SiteReport("branch-1", "agg", 1_700_000_000_000L, 42, 1_700_000_000_123L,
            List.of(new DomainReport("app.example.com", "shop", new HostPort("127.0.0.1", 8080), true, 10, 7, 3, 3,
                            12345, 12.5, 9.25, 2, 1000, 2, 3, LOAD),
                    new DomainReport("b.example.com", null, null, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            new ResourceUse(37.5, 64_000_000, 212));

    /** The same report as a branch of the previous version wrote it: no {@code load}, no {@code resources}. */
    static final SiteReport OLD_REPORT = new SiteReport("branch-1", "agg", 1_700_000_000_000L, 42, 1_700_000_000_123L,
            List.of(new DomainReport("app.example.com", "shop", new HostPort("127.0.0.1", 8080), true, 10, 7, 3, 3,
                            12345, 12.5, 9.25, 2, 1000, 2, 3),
                    new DomainReport("b.example.com", null, null, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)));

    @Test
    void readsTheWritersReportsDeltasAndSnapshotsAsDataBindingDoes() throws Exception {
        List<ExchangeMessage> messages = List.of(
                new ExchangeMessage.Report(REPORT),
                new ExchangeMessage.Delta(List.of(new ExchangeMessage.WireEntry(REPORT, 250, false),
                        new ExchangeMessage.WireEntry(REPORT, 0, true))),
                new ExchangeMessage.Snapshot(List.of(new ExchangeMessage.WireEntry(REPORT, 7, true)), true),
                new ExchangeMessage.Snapshot(List.of(), false));
        for (ExchangeMessage m : messages) {
            byte[] body = FrameCodec.encode(m);
            ExchangeMessage streamed = ReportFrameReader.read(FrameCodec.JSON.getFactory(), Unpooled.wrappedBuffer(body),
                    ReportFrameReader.Known.NOTHING);
            assertThat(streamed).as("streamed %s", m.getClass().getSimpleName()).isEqualTo(m);
            assertThat(FrameCodec.JSON.readValue(body, ExchangeMessage.class)).isEqualTo(streamed);
        }
    }

    @Test
    void readsFromDirectBuffersToo() throws Exception {
        byte[] body = FrameCodec.encode(new ExchangeMessage.Report(REPORT));
        ByteBuf direct = Unpooled.directBuffer(body.length).writeBytes(body);
        try {
            assertThat(ReportFrameReader.read(FrameCodec.JSON.getFactory(), direct, ReportFrameReader.Known.NOTHING))
                    .isEqualTo(new ExchangeMessage.Report(REPORT));
            assertThat(direct.readerIndex()).as("the frame is not consumed").isZero();
        } finally {
            direct.release();
        }
    }

    @Test
    void unknownFieldsAreSkipped() throws Exception {
        String written = new String(FrameCodec.encode(new ExchangeMessage.Report(REPORT)), StandardCharsets.UTF_8);
        String json = written.replace("\"report\":{", "\"extra\":{\"a\":[1,{\"b\":null}]},\"report\":{\"future\":[1,2],")
                .replace("\"up\":true", "\"up\":true,\"new\":\"x\"");
        ExchangeMessage m = read(json);
        assertThat(m).isEqualTo(new ExchangeMessage.Report(REPORT));
        assertThat(FrameCodec.JSON.readValue(json, ExchangeMessage.class)).isEqualTo(m);
    }

    @Test
    void aReportWithoutLoadOrResourcesReadsAsNoneOnBothPaths() throws Exception {
        String written = new String(FrameCodec.encode(new ExchangeMessage.Report(REPORT)), StandardCharsets.UTF_8);
        String old = written.replaceAll(",\"load\":\\{[^}]*\\}", "").replaceAll(",\"resources\":\\{[^}]*\\}", "")
                .replaceAll("\"resources\":\\{[^}]*\\},", "");
        assertThat(old).doesNotContain("load").doesNotContain("resources").doesNotContain("cpuPercent");
        ExchangeMessage streamed = read(old);
        assertThat(streamed).isEqualTo(new ExchangeMessage.Report(OLD_REPORT));
        assertThat(FrameCodec.JSON.readValue(old, ExchangeMessage.class)).isEqualTo(streamed);
        SiteReport r = ((ExchangeMessage.Report) streamed).report();
        assertThat(r.resources()).isEqualTo(ResourceUse.UNKNOWN);
        assertThat(r.domains().get(0).load()).isEqualTo(DomainLoad.NONE);
    }

    @Test
    void aHistoryLongerThanTheWriterWritesIsLeftToDataBinding() throws Exception {
        String written = new String(FrameCodec.encode(new ExchangeMessage.Report(REPORT)), StandardCharsets.UTF_8);
        String field = "\"responseTimeHistoryMs\":[";
        int at = written.indexOf(field) + field.length(); // the first domain's, which is not empty
        String longer = written.substring(0, at) + "1.0,".repeat(DomainLoad.HISTORY) + written.substring(at);
        assertThat(read(longer)).isNull();
        SiteReport r = ((ExchangeMessage.Report) FrameCodec.JSON.readValue(longer, ExchangeMessage.class)).report();
        assertThat(r.domains().get(0).load().responseTimeHistoryMs()).hasSize(DomainLoad.HISTORY + 4);
    }

    @Test
    void leavesOtherShapesToDataBinding() {
        for (String json : List.of(
                "{\"type\":\"report\",\"v\":1,\"report\":{\"site\":\"s\"}}",
                "{\"v\":1,\"type\":\"report\",\"report\":{\"site\":\"s\",\"epoch\":\"12\"}}",
                "{\"v\":1,\"type\":\"report\",\"report\":{\"site\":\"s\",\"epoch\":null}}",
                "{\"v\":1,\"type\":\"report\",\"report\":{\"site\":\"s\",\"epoch\":1e3}}",
                "{\"v\":1,\"type\":\"report\",\"report\":{\"site\":\"s\",\"domains\":[{\"capacity\":99999999999}]}}",
                "{\"v\":1,\"type\":\"report\",\"report\":null}",
                "{\"v\":1,\"type\":\"report\",\"report\":{\"site\":\"s\"",
                "{\"v\":1,\"type\":\"delta\",\"entries\":[{\"report\":{\"site\":\"s\"},\"ageMillis\":-1}]}",
                "{\"v\":1,\"type\":\"report\",\"report\":{\"site\":\"s\",\"epoch\":1,\"sequence\":1}}",
                "{\"v\":1,\"type\":\"heartbeat\"}")) {
            assertThat(read(json)).as(json).isNull();
        }
    }

    @Test
    void framesTheStreamingReaderLeavesAreJudgedAsBefore() {
        assertThat(FrameCodec.decode(Unpooled.copiedBuffer("{\"v\":1,\"type\":\"report\",\"report\":{\"site\":\"s\","
                + "\"epoch\":\"12\",\"sequence\":1,\"generatedAtMillis\":0}}", StandardCharsets.UTF_8)))
                .isEqualTo(new ExchangeMessage.Report(new SiteReport("s", null, 12, 1, 0, List.of())));
        assertThatThrownBy(() -> FrameCodec.decode(Unpooled.copiedBuffer(
                "{\"v\":1,\"type\":\"report\",\"report\":{\"site\":\"s\",\"epoch\":1,\"sequence\":1}}",
                StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("Cannot map `null`");
        assertThatThrownBy(() -> FrameCodec.decode(Unpooled.copiedBuffer(
                "{\"v\":1,\"type\":\"report\",\"report\":null}", StandardCharsets.UTF_8)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("report is required");
    }

    @Test
    void entriesTheReceiverAlreadyHoldsAreLeftOutUnread() throws Exception {
        SiteReport newer = new SiteReport("branch-2", "agg", REPORT.epoch(), 7, 0, REPORT.domains());
        byte[] body = FrameCodec.encode(new ExchangeMessage.Delta(List.of(new ExchangeMessage.WireEntry(REPORT, 250, false),
                new ExchangeMessage.WireEntry(newer, 10, false))));
        // the receiver holds branch-1 at sequence 42 or later, and branch-2 only up to sequence 6
        ReportFrameReader.Known known = (site, epoch, sequence) -> site.equals("branch-1") && sequence <= 42;
        ExchangeMessage m = ReportFrameReader.read(FrameCodec.JSON.getFactory(), Unpooled.wrappedBuffer(body), known);
        assertThat(m).isEqualTo(new ExchangeMessage.Delta(List.of(new ExchangeMessage.WireEntry(newer, 10, false))));
        assertThat(FrameCodec.decode(Unpooled.wrappedBuffer(body), (site, epoch, sequence) -> true))
                .as("every entry held: an empty delta").isEqualTo(new ExchangeMessage.Delta(List.of()));
        assertThat(ReportFrameReader.read(FrameCodec.JSON.getFactory(),
                Unpooled.wrappedBuffer(FrameCodec.encode(new ExchangeMessage.Report(REPORT))), (site, epoch, sequence) -> true))
                .as("a branch's own report is always read").isEqualTo(new ExchangeMessage.Report(REPORT));
    }

    static ExchangeMessage read(String json) {
        return ReportFrameReader.read(FrameCodec.JSON.getFactory(), Unpooled.copiedBuffer(json, StandardCharsets.UTF_8),
                ReportFrameReader.Known.NOTHING);
    }
}
