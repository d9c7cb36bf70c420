package io.spillway.testing;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The test backends as their users see them: an extension in a static field runs for the whole
 * class, one in an instance field for each test; a stopped backend refuses connections and
 * starts again on its port; each answers as it is told.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoopbackServersTest {

    @RegisterExtension
    static final HttpBackend perClass = new HttpBackend("per-class");

    @RegisterExtension
    final TcpBackend perTest = new TcpBackend().greeting("hello\n");

    private static int firstPerTestPort;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(HttpBackend backend, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.port() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Writes {@code text}, then reads until {@code expected} bytes came or the service closed. */
    private static String exchange(Socket s, String text, int expected) throws IOException {
        s.setSoTimeout(20_000);
        if (!text.isEmpty()) {
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        }
        InputStream in = s.getInputStream();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < expected) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            got.write(c);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void aStaticExtensionServesTheWholeClassAndAnInstanceOneEachTest() throws Exception {
        assertThat(get(perClass, "/").body()).isEqualTo("per-class");
        perClass.answer("/kept", 201, "across tests");
        firstPerTestPort = perTest.port();
        try (Socket s = new Socket("127.0.0.1", perTest.port())) {
            assertThat(exchange(s, "echo me", "hello\necho me".length())).isEqualTo("hello\necho me");
        }
        assertThat(perTest.accepted()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void theNextTestSeesTheSameClassBackendAndAFreshTestBackend() throws Exception {
        HttpResponse<String> kept = get(perClass, "/kept");
        assertThat(kept.statusCode()).isEqualTo(201);
        assertThat(kept.body()).isEqualTo("across tests");
        assertThat(perTest.accepted()).as("counts start anew with the test's own backend").isZero();
        assertThatThrownBy(() -> new Socket("127.0.0.1", firstPerTestPort).close())
                .as("the first test's backend was stopped after it").isInstanceOf(ConnectException.class);
    }

    @Test
    void aStoppedBackendRefusesConnectionsAndStartsAgainOnItsPort() throws Exception {
        try (HttpBackend web = new HttpBackend("web").start()) {
            int port = web.port();
            assertThat(get(web, "/").body()).isEqualTo("web");

            web.stop();
            assertThatThrownBy(() -> get(web, "/")).isInstanceOf(ConnectException.class);

            web.start();
            assertThat(web.port()).isEqualTo(port);
            assertThat(get(web, "/").body()).isEqualTo("web");
            assertThat(web.requests()).isEqualTo(2);
        }
    }

    @Test
    void anHttpBackendAnswersAPathAsToldAndEchoesAndCounts() throws Exception {
        try (HttpBackend web = new HttpBackend("web").start()) {
            web.answer("/healthz", 503, "maintenance");
            HttpResponse<String> health = get(web, "/healthz");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).isEqualTo("maintenance");
            assertThat(health.headers().firstValue("X-Backend")).hasValue("web");

            HttpResponse<String> echo = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("ping")).header("X-Test", "1").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(echo.body()).isEqualTo("ping");
            assertThat(web.lastHeaders().getFirst("X-Test")).isEqualTo("1");
            assertThat(get(web, "/status/418").statusCode()).isEqualTo(418);
            assertThat(web.requests()).isEqualTo(3);
        }
    }

    @Test
    void anHttpsBackendPresentsTheTestCertificate() throws Exception {
        try (HttpBackend secure = new HttpBackend("secure", TestCertificate.get().sslContext()).start()) {
            assertThat(TestCertificate.servedName(secure.address())).isEqualTo("CN=localhost");
            HttpClient https = HttpClient.newBuilder().sslContext(TestCertificate.get().sslContext()).build();
            assertThat(https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + secure.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("secure");
        }
    }

    @Test
    void aTcpBackendRepliesAsToldHoldsWhenTheReplyIsNullAndCountsConnections() throws Exception {
        try (TcpBackend tcp = new TcpBackend().reply(s -> s.startsWith("PING") ? "PONG\n" : null).start()) {
            try (Socket a = new Socket("127.0.0.1", tcp.port()); Socket b = new Socket("127.0.0.1", tcp.port())) {
                assertThat(exchange(a, "PING\n", 5)).isEqualTo("PONG\n");
                b.setSoTimeout(200);
                b.getOutputStream().write("other\n".getBytes(StandardCharsets.UTF_8));
                assertThatThrownBy(() -> b.getInputStream().read()).as("held, unanswered")
                        .isInstanceOf(SocketTimeoutException.class);
                assertThat(tcp.open()).isEqualTo(2);
                assertThat(tcp.maxOpen()).isEqualTo(2);
            }
            tcp.closeAfterReply(true);
            try (Socket c = new Socket("127.0.0.1", tcp.port())) {
                assertThat(exchange(c, "PING\n", 6)).as("answered, then closed").isEqualTo("PONG\n");
            }
            assertThat(tcp.accepted()).isEqualTo(3);
        }
    }

    @Test
    void aUdpBackendEchoesOrAnswersAsTold() throws Exception {
        try (UdpBackend udp = new UdpBackend().start(); DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(5_000);
            assertThat(roundTrip(client, udp.address(), "ping")).isEqualTo("ping");
            udp.reply(b -> "pong".getBytes(StandardCharsets.UTF_8));
            assertThat(roundTrip(client, udp.address(), "ping")).isEqualTo("pong");
        }
    }

    @Test
    void aDnsBackendAnswersNxdomainsOrNothingAsItsModeSays() throws Exception {
        try (DnsBackend dns = new DnsBackend("192.0.2.10").start(); DatagramSocket client = new DatagramSocket()) {
            client.setSoTimeout(5_000);
            Message answer = query(client, dns.address());
            assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
            Record a = answer.getSection(Section.ANSWER).get(0);
            assertThat(((ARecord) a).getAddress().getHostAddress()).isEqualTo("192.0.2.10");

            dns.mode(DnsBackend.Mode.NXDOMAIN);
            assertThat(query(client, dns.address()).getRcode()).isEqualTo(Rcode.NXDOMAIN);

            dns.mode(DnsBackend.Mode.SILENT);
            client.setSoTimeout(200);
            assertThatThrownBy(() -> query(client, dns.address())).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aRawHttpBackendRecordsAnswersEachHeadAndEndsConnectionsAsToldByItsEnding() throws Exception {
        String head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        try (RawHttpBackend recording = RawHttpBackend.recording().start();
             Socket s = new Socket("127.0.0.1", recording.port())) {
            assertThat(exchange(s, head, RawHttpBackend.OK.length())).isEqualTo(RawHttpBackend.OK);
            assertThat(exchange(s, head, RawHttpBackend.OK.length())).as("kept alive").isEqualTo(RawHttpBackend.OK);
            assertThat(recording.received()).isEqualTo(head + head);
        }
        try (RawHttpBackend oneShot = RawHttpBackend.oneShot("HTTP/1.1 204 No Content\r\n\r\n").start();
             Socket s = new Socket("127.0.0.1", oneShot.port())) {
            assertThat(exchange(s, head, 1000)).as("answered, then closed").isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
            assertThat(oneShot.heads()).isEqualTo(1);
        }
        try (RawHttpBackend dropping = new RawHttpBackend(RawHttpBackend.OK, RawHttpBackend.Ending.AT_SECOND_HEAD).start();
             Socket s = new Socket("127.0.0.1", dropping.port())) {
            assertThat(exchange(s, head, RawHttpBackend.OK.length())).isEqualTo(RawHttpBackend.OK);
            assertThat(exchange(s, head, 1000)).as("closed unanswered").isEmpty();
            assertThat(dropping.heads()).isEqualTo(2);
            assertThat(dropping.connections()).isEqualTo(1);
        }
    }

    private static String roundTrip(DatagramSocket client, InetSocketAddress to, String text) throws IOException {
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        client.send(new DatagramPacket(out, out.length, to));
        DatagramPacket in = new DatagramPacket(new byte[512], 512);
        client.receive(in);
        return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
    }

    private static Message query(DatagramSocket client, InetSocketAddress to) throws IOException {
        byte[] out = Message.newQuery(Record.newRecord(Name.fromString("app.example.com."), Type.A, DClass.IN)).toWire();
        client.send(new DatagramPacket(out, out.length, to));
        DatagramPacket in = new DatagramPacket(new byte[512], 512);
        client.receive(in);
        return new Message(Arrays.copyOf(in.getData(), in.getLength()));
    }
}
