package io.spillway.gslb.dns;

import ch.qos.logback.classic.Level;
import io.spillway.core.log.RateLimitedLog;
import io.spillway.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Malformed DNS input never crashes or wedges the server: each bad packet is answered with
 * FORMERR/NOTIMP or dropped, and a good query sent right after it on the same socket is
 * answered first, which proves the bad one got no answer without waiting for a timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DnsBadInputTest {

    private final DnsFixture fixture = new DnsFixture();
    private final InetSocketAddress udp = fixture.server.udpAddress();
    private final InetSocketAddress tcp = fixture.server.tcpAddress();

    DnsBadInputTest() throws Exception {
    }

    @AfterAll
    void stop() {
        fixture.close();
    }

    /** Sends {@code bad}, then a good query, and returns the first answer received. */
    private Message firstAnswerAfter(byte[] bad) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.send(new DatagramPacket(bad, bad.length, udp));
            byte[] good = DnsWire.query("app.example.com", Type.A, 4242).toWire();
            return new Message(DnsWire.udp(socket, udp, good));
        }
    }

    @Test
    void packetShorterThanAHeaderIsDropped() throws Exception {
        assertThat(firstAnswerAfter(new byte[] {1, 2, 3, 4, 5}).getHeader().getID()).isEqualTo(4242);
    }

    @Test
    void responsePacketIsDroppedSoItCannotBeReflected() throws Exception {
        byte[] response = DnsWire.query("app.example.com", Type.A, 7).toWire();
        response[2] |= (byte) 0x80;
        assertThat(firstAnswerAfter(response).getHeader().getID()).isEqualTo(4242);
    }

    @Test
    void oversizedDatagramIsDropped() throws Exception {
        byte[] big = new byte[DnsServer.MAX_MESSAGE + 500];
        System.arraycopy(DnsWire.query("app.example.com", Type.A, 8).toWire(), 0, big, 0, 30);
        assertThat(firstAnswerAfter(big).getHeader().getID()).isEqualTo(4242);
    }

    @Test
    void garbageGetsFormerrWithItsId() throws Exception {
        byte[] garbage = new byte[40];
        new Random(1).nextBytes(garbage);
        garbage[0] = 0x12;
        garbage[1] = 0x34;
        garbage[2] = 0x01; // QR=0, QUERY, RD
        garbage[4] = 0x00;
        garbage[5] = 0x09; // nine questions announced, not present
        Message r = new Message(DnsWire.udp(udp, garbage));
        assertThat(r.getHeader().getID()).isEqualTo(0x1234);
        assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void truncatedQueryGetsFormerr() throws Exception {
        byte[] whole = DnsWire.query("app.example.com", Type.A, 9).toWire();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 6);
        Message r = new Message(DnsWire.udp(udp, cut));
        assertThat(r.getHeader().getID()).isEqualTo(9);
        assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void severalQuestionsGetFormerr() throws Exception {
        Message q = DnsWire.query("app.example.com", Type.A, 10);
        q.addRecord(DnsWire.query("v6.example.com", Type.AAAA, 0).getQuestion(), Section.QUESTION);
        Message r = DnsWire.udp(udp, q);
        assertThat(r.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(r.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void otherOpcodesGetNotimp() throws Exception {
        Message q = DnsWire.query("app.example.com", Type.A, 11);
        q.getHeader().setOpcode(Opcode.NOTIFY);
        assertThat(DnsWire.udp(udp, q).getRcode()).isEqualTo(Rcode.NOTIMP);
    }

    @Test
    void randomPacketsNeverStopTheServer() throws Exception {
        Random random = new Random(42);
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] valid = DnsWire.withSubnet(DnsWire.query("near.example.com", Type.A, 1), "10.1.0.0", 16).toWire();
            for (int i = 0; i < 300; i++) {
                byte[] p = random.nextBoolean() ? new byte[random.nextInt(600)] : valid.clone();
                if (p.length == valid.length) {
                    // flip a few bytes of a valid query: exercises every parser branch
                    for (int k = 0; k < 1 + random.nextInt(4); k++) {
                        p[random.nextInt(p.length)] = (byte) random.nextInt(256);
                    }
                } else {
                    random.nextBytes(p);
                }
                socket.send(new DatagramPacket(p, p.length, udp));
            }
            byte[] good = DnsWire.query("app.example.com", Type.A, 4343).toWire();
            socket.send(new DatagramPacket(good, good.length, udp));
            socket.setSoTimeout(2000);
            // answers to the noise may come first; the good one must come
            boolean answered = false;
            for (int i = 0; i < 400 && !answered; i++) {
                Message m = new Message(DnsWire.receive(socket));
                answered = m.getHeader().getID() == 4343 && m.getRcode() == Rcode.NOERROR;
            }
            assertThat(answered).isTrue();
        }
        assertThat(DnsWire.udp(udp, DnsWire.query("app.example.com", Type.A, 12)).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void tcpFrameAboveTheLimitClosesTheConnection() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(tcp, 2000);
            s.setSoTimeout(3000);
            s.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3});
            s.getOutputStream().flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void tcpQueriesArePipelinedAndAnsweredInOrder() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(tcp, 2000);
            s.setSoTimeout(3000);
            var out = new java.io.ByteArrayOutputStream();
            for (int id = 1; id <= 3; id++) {
                DnsWire.writeFramed(out, DnsWire.query("app.example.com", Type.A, id).toWire());
            }
            s.getOutputStream().write(out.toByteArray());
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int id = 1; id <= 3; id++) {
                assertThat(new Message(DnsWire.readFramed(in)).getHeader().getID()).isEqualTo(id);
            }
        }
    }

    @Test
    void tcpGarbageGetsFormerrAndAResponsePacketClosesTheConnection() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(tcp, 2000);
            s.setSoTimeout(3000);
            byte[] garbage = new byte[30];
            new Random(3).nextBytes(garbage);
            garbage[2] = 0;
            garbage[5] = 5;
            DnsWire.writeFramed(s.getOutputStream(), garbage);
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(new Message(DnsWire.readFramed(in)).getRcode()).isEqualTo(Rcode.FORMERR);
            byte[] response = DnsWire.query("app.example.com", Type.A, 7).toWire();
            response[2] |= (byte) 0x80;
            DnsWire.writeFramed(s.getOutputStream(), response);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void tcpConnectionCutMidFrameLeavesTheServerServing() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(tcp, 2000);
            s.getOutputStream().write(new byte[] {0, 100, 1, 2, 3, 4});
            s.getOutputStream().flush();
        }
        assertThat(DnsWire.tcp(tcp, DnsWire.query("app.example.com", Type.A, 13)).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void aFloodOfMalformedQueriesLogsABoundedNumberOfLinesAndReportsWhatItHeldBack() throws Exception {
        Pattern suppressed = Pattern.compile("(\\d+) similar messages suppressed \\(malformed DNS queries\\)");
        try (LogCapture log = LogCapture.of(DnsResponder.class, Level.DEBUG);
             DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int flood = 1000;
            long started = System.nanoTime();
            for (int i = 0; i < flood; i++) {
                // an OPT owned by a non-root name, then a Client Subnet option with a scope: both FORMERR
                byte[] bad = i % 2 == 0
                        ? DnsWire.raw(i, "app.example.com", Type.A, List.of(), List.of(), List.of(DnsWire.opt("x", 1232, 0)))
                        : DnsWire.raw(i, "app.example.com", Type.A, List.of(), List.of(),
                                List.of(DnsWire.opt("", 1232, 0, DnsWire.ecs(1, 8, 8, 10))));
                // one at a time: each is answered before the next is sent, so none is lost on the way
                assertThat(new Message(DnsWire.udp(socket, udp, bad)).getRcode()).isEqualTo(Rcode.FORMERR);
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            long bound = RateLimitedLog.DEFAULT_BURST + seconds + 1;
            long written = log.count(m -> m.startsWith("malformed DNS query from /127.0.0.1"));
            assertThat(written).as("lines for %d malformed queries in %d s", flood, seconds).isBetween(1L, bound);
            assertThat(log.messages()).hasSizeLessThanOrEqualTo((int) (2 * bound));

            AtomicInteger more = new AtomicInteger();
            // on a slow machine the first report may come before the last query of the flood was
            // handled: one more bad query per poll until every one is logged or counted in a report
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                byte[] bad = DnsWire.raw(5000 + more.getAndIncrement(), "app.example.com", Type.A, List.of(),
                        List.of(DnsWire.opt("", 1232, 0)), List.of());
                DnsWire.udp(socket, udp, bad);
                long reported = log.messages().stream().map(suppressed::matcher).filter(Matcher::matches)
                        .mapToLong(m -> Long.parseLong(m.group(1))).sum();
                long logged = log.count(m -> m.startsWith("malformed DNS query from"));
                // the query sent in this poll may still be on its way: it is not required yet
                return reported > 0 && reported + logged >= flood + more.get() - 1;
            });
        }
    }

    @Test
    void droppedPacketsAreCounted() throws Exception {
        firstAnswerAfter(new byte[] {9, 9});
        await().until(() -> fixture.server.queryCounts().getOrDefault(List.of("other", "DROPPED"), 0L) > 0);
    }
}
