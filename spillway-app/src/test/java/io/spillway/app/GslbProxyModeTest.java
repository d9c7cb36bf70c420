package io.spillway.app;

import com.sun.net.httpserver.HttpExchange;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.testing.TestCertificate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G6 proxy mode end to end, three appliances in one JVM on loopback: an aggregator choosing by
 * static proximity (clients from 127.0.0.2 go to branch B, from 127.0.0.3 to branch C), and two
 * branches that each publish their vServer {@code shop} in front of a backend that names itself.
 * Branch B is in proxy mode ({@code gslb.resolve.mode: proxy}) and has vServers with
 * {@code gslb: {domain}}: a client that connects there is carried, through B's data plane, to the
 * branch the aggregator chose for that client, and gets that branch's backend's answer; so is
 * a client that asks B's resolve endpoint for {@code /go/{domain}/...}. Branch C's resolve
 * endpoint is in redirect mode.
 */
class GslbProxyModeTest {

    static final String SECRET = "gslb-proxy-mode-secret";
    static final String DOMAIN = "app.example.com";
    static final String DEAD = "dead.example.com";
    static final String EMPTY = "empty.example.com";
    static final String SECURE = "secure.example.com";
    static final TestExchange EXCHANGE = new TestExchange(SECRET);
    static final InetAddress NEAR_B = address("127.0.0.2");
    static final InetAddress NEAR_C = address("127.0.0.3");

    @TempDir
    Path dir;
    @RegisterExtension
    final ApplianceExtension appliances = new ApplianceExtension();
    @RegisterExtension
    final HttpBackends backends = new HttpBackends();
    final AtomicLong uploadedAtC = new AtomicLong();
    Appliance agg;
    Appliance b;
    Appliance c;

    @BeforeEach
    void start() throws Exception {
        int backendB = backend("b");
        int backendC = backend("c");
        agg = EXCHANGE.startAggregator(appliances, """
                - name: %s
                  method: staticproximity
                  proximity:
                    - {subnet: 127.0.0.2/32, sites: [branch-b]}
                    - {subnet: 127.0.0.3/32, sites: [branch-c]}
                - {name: %s}
                - {name: %s}
                - {name: %s}
            """.formatted(DOMAIN, DEAD, EMPTY, SECURE));
        int cShop = ApplianceExtension.freePort();
        int cSecure = ApplianceExtension.freePort();
        int nothingListens = ApplianceExtension.freePort();
        Path pem = dir.resolve("c.pem");
        Path key = dir.resolve("c.key");
        TestCertificate.forName("branch-c").writeTo(pem, key);
        c = appliances.start("c.yaml", """
                services:
                  - {name: c1, address: 127.0.0.1:%d, protocol: http, capacity: 100}
                vservers:
                  - {name: shop, listen: 127.0.0.1:%d, protocol: http, services: [c1]}
                  - {name: secure, listen: 127.0.0.1:%d, protocol: https, services: [c1],
                     tls: {certificate: %s, key: %s}}
                %s  publish:
                    - {domain: %s, vserver: shop, address: 127.0.0.1:%d}
                    - {domain: %s, vserver: shop, address: 127.0.0.1:%d}
                    - {domain: %s, vserver: secure, address: 127.0.0.1:%d}
                  resolve: {listen: 127.0.0.1:0}
                """.formatted(backendC, cShop, cSecure, pem, key, EXCHANGE.branch("branch-c", agg), DOMAIN, cShop, DEAD,
                nothingListens, SECURE, cSecure));
        int bShop = ApplianceExtension.freePort();
        b = appliances.start("b.yaml", """
                services:
                  - {name: b1, address: 127.0.0.1:%d, protocol: http, capacity: 100}
                vservers:
                  - {name: shop, listen: 127.0.0.1:%d, protocol: http, services: [b1]}
                  - {name: front, listen: 127.0.0.1:0, protocol: http, gslb: %s}
                  - {name: front-tcp, listen: 127.0.0.1:0, protocol: tcp, gslb: %s}
                  - {name: front-dead, listen: 127.0.0.1:0, protocol: http, gslb: %s}
                  - {name: front-empty, listen: 127.0.0.1:0, protocol: http, gslb: %s}
                  - {name: front-tls, listen: 127.0.0.1:0, protocol: tls-tcp, gslb: %s}
                %s  publish:
                    - {domain: %s, vserver: shop, address: 127.0.0.1:%d}
                  resolve: {listen: 127.0.0.1:0, mode: proxy}
                """.formatted(backendB, bShop, DOMAIN, DOMAIN, DEAD, EMPTY, SECURE, EXCHANGE.branch("branch-b", agg), DOMAIN,
                bShop));
        await().atMost(Duration.ofSeconds(10)).until(() -> agg.gslb().table().isAvailable("branch-b")
                && agg.gslb().table().isAvailable("branch-c"));
    }

    @Test
    void clientGetsTheAnswerOfTheBranchChosenForItWithForwardedHeaders() throws Exception {
        Response toC = request(NEAR_C, "front", "GET /cart/view?item=7 HTTP/1.1\r\nHost: " + DOMAIN
                + "\r\nConnection: close\r\n\r\n");
        assertThat(toC.status()).isEqualTo(200);
        Map<String, String> seen = toC.fields();
        assertThat(seen).containsEntry("backend", "c")
                .containsEntry("target", "/cart/view?item=7")
                .containsEntry("x-forwarded-host", DOMAIN)
                .containsEntry("x-forwarded-proto", "http")
                .containsEntry("via", "1.1 spillway, 1.1 spillway");
        assertThat(seen.get("x-forwarded-for")).as("the client first, then branch B's own connection")
                .isEqualTo("127.0.0.3, 127.0.0.1");

        Response toB = request(NEAR_B, "front", "GET / HTTP/1.1\r\nHost: " + DOMAIN + "\r\nConnection: close\r\n\r\n");
        assertThat(toB.fields()).as("this very branch, through its own published address")
                .containsEntry("backend", "b").containsEntry("x-forwarded-for", "127.0.0.2, 127.0.0.1");

        VirtualServer standIn = b.gslbRouting().branchVServer("front", "branch-c").orElseThrow();
        assertThat(standIn.admitted()).isEqualTo(1);
        assertThat(standIn.services().get(0).address().port()).isEqualTo(c.vserverAddress("shop").getPort());
    }

    @Test
    void keepAliveRequestsOfOneConnectionStayWithTheBranchChosenForIt() throws Exception {
        InetSocketAddress front = b.vserverAddress("front");
        try (Socket s = new Socket(front.getAddress(), front.getPort(), NEAR_C, 0)) {
            s.setSoTimeout(5000);
            String get = "GET /one HTTP/1.1\r\nHost: " + DOMAIN + "\r\n\r\n";
            s.getOutputStream().write((get + get.replace("/one", "/two") + "GET /three HTTP/1.1\r\nHost: " + DOMAIN
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(all.split("HTTP/1.1 200", -1)).hasSize(4);
            assertThat(all).contains("target=/one", "target=/two", "target=/three").doesNotContain("backend=b");
        }
        assertThat(b.gslbRouting().branchVServer("front", "branch-c").orElseThrow().admitted()).isEqualTo(1);
    }

    @Test
    void postBodyIsStreamedToTheChosenBranchAsItArrives() throws Exception {
        uploadInTwoParts(b.vserverAddress("front"), "POST /upload HTTP/1.1\r\nHost: " + DOMAIN
                + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
    }

    @Test
    void tcpVServerRelaysTheConnectionToTheChosenBranch() throws Exception {
        Response r = request(NEAR_C, "front-tcp", "GET /raw HTTP/1.1\r\nHost: " + DOMAIN
                + "\r\nConnection: close\r\n\r\n");
        assertThat(r.fields()).containsEntry("backend", "c").containsEntry("x-forwarded-for", "127.0.0.1")
                .as("B relays bytes: only C's proxy adds a Via").containsEntry("via", "1.1 spillway");
    }

    @Test
    void tlsTcpVServerPassesTheClientsTlsThroughToTheChosenBranch() throws Exception {
        InetSocketAddress front = b.vserverAddress("front-tls");
        Socket plain = new Socket(front.getAddress(), front.getPort(), NEAR_C, 0);
        try (SSLSocket s = (SSLSocket) TestCertificate.trustingAll().getSocketFactory()
                .createSocket(plain, "127.0.0.1", front.getPort(), true)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /secure HTTP/1.1\r\nHost: " + SECURE + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            Response r = Response.parse(s.getInputStream().readAllBytes());
            assertThat(((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName())
                    .as("the chosen branch terminates the client's TLS").isEqualTo("CN=branch-c");
            assertThat(r.fields()).containsEntry("backend", "c").containsEntry("x-forwarded-proto", "https")
                    .containsEntry("x-forwarded-for", "127.0.0.1");
        }
    }

    @Test
    void unreachableBranchIsABadGatewayAndNoBranchAtAllIsUnavailable() throws Exception {
        Response dead = request(NEAR_C, "front-dead", "GET / HTTP/1.1\r\nHost: " + DEAD
                + "\r\nConnection: close\r\n\r\n");
        assertThat(dead.status()).isEqualTo(502);
        assertThat(dead.body()).contains("no service could be reached");

        Response empty = request(NEAR_C, "front-empty", "GET / HTTP/1.1\r\nHost: " + EMPTY
                + "\r\nConnection: close\r\n\r\n");
        assertThat(empty.status()).isEqualTo(503);
        assertThat(empty.body()).contains("no service is available");

        await().atMost(Duration.ofSeconds(5)).until(() -> b.graph().vserver("front-empty").activeConnections() == 0);
    }

    @Test
    void branchThatStopsReportingIsNoLongerChosen() throws Exception {
        appliances.stop(c);
        await().atMost(Duration.ofSeconds(10)).until(() -> !agg.gslb().table().isAvailable("branch-c"));
        Response r = request(NEAR_C, "front", "GET / HTTP/1.1\r\nHost: " + DOMAIN + "\r\nConnection: close\r\n\r\n");
        assertThat(r.fields()).as("static proximity falls back to the branches still available")
                .containsEntry("backend", "b");
    }

    @Test
    void goRequestOnTheResolveEndpointIsProxiedToTheChosenBranchWithTheTargetAfterTheDomain() throws Exception {
        Response r = request(NEAR_C, b.gslb().resolveAddress(), "GET /go/" + DOMAIN + "/hello?x=1 HTTP/1.1\r\n"
                + "Host: resolve.example.net\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.fields()).containsEntry("backend", "c")
                .containsEntry("target", "/hello?x=1")
                .containsEntry("x-forwarded-host", "resolve.example.net")
                .containsEntry("x-forwarded-proto", "http")
                .containsEntry("via", "1.1 spillway, 1.1 spillway");
        assertThat(r.fields().get("x-forwarded-for")).as("the client first, then branch B's own connection")
                .isEqualTo("127.0.0.3, 127.0.0.1");
        assertThat(r.head()).as("one request per handed-over connection, which then closes (the read above ended)")
                .containsIgnoringCase("\r\nConnection: close");
        VirtualServer standIn = b.gslbRouting().branchVServer("/go/" + DOMAIN, "branch-c").orElseThrow();
        assertThat(standIn.admitted()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> standIn.activeConnections() == 0);

        Response bare = request(NEAR_B, b.gslb().resolveAddress(), "GET /go/" + DOMAIN.toUpperCase(java.util.Locale.ROOT)
                + " HTTP/1.1\r\nHost: r\r\n\r\n");
        assertThat(bare.fields()).as("the domain alone is the root of the branch chosen for this client")
                .containsEntry("backend", "b").containsEntry("target", "/");
    }

    @Test
    void goPostBodyIsStreamedToTheChosenBranchAsItArrives() throws Exception {
        Response r = uploadInTwoParts(b.gslb().resolveAddress(), "POST /go/" + DOMAIN
                + "/upload HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(r.fields()).containsEntry("target", "/upload");
    }

    @Test
    void goRequestWithNoBranchToGoToIsUnavailableAndOneToADeadBranchABadGateway() throws Exception {
        InetSocketAddress resolve = b.gslb().resolveAddress();
        Response empty = request(NEAR_C, resolve, "GET /go/" + EMPTY + "/x HTTP/1.1\r\nHost: r\r\n\r\n");
        assertThat(empty.status()).isEqualTo(503);
        assertThat(empty.body()).contains("no service is available");

        Response unknown = request(NEAR_C, resolve, "GET /go/unknown.example.com/x HTTP/1.1\r\nHost: r\r\n\r\n");
        assertThat(unknown.status()).as("a domain the hierarchy does not serve").isEqualTo(503);

        Response dead = request(NEAR_C, resolve, "GET /go/" + DEAD + "/x HTTP/1.1\r\nHost: r\r\n\r\n");
        assertThat(dead.status()).isEqualTo(502);
        assertThat(dead.body()).contains("no service could be reached");
    }

    @Test
    void otherRequestsOnTheResolveEndpointInProxyModeAreAnsweredAsBefore() throws Exception {
        InetSocketAddress resolve = b.gslb().resolveAddress();
        Response json = request(NEAR_C, resolve, "GET /resolve?domain=" + DOMAIN + " HTTP/1.1\r\nHost: r\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.head()).containsIgnoringCase("content-type: application/json");
        assertThat(json.body()).contains("\"site\":\"branch-c\"");

        Response malformed = request(NEAR_C, resolve, "GET /go//x HTTP/1.1\r\nHost: r\r\nConnection: close\r\n\r\n");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"error\"");
    }

    @Test
    void resolveEndpointInRedirectModeStillRedirects() throws Exception {
        Response r = request(NEAR_C, c.gslb().resolveAddress(), "GET /go/" + DOMAIN + "/x?y=1 HTTP/1.1\r\nHost: a\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(302);
        assertThat(r.head()).contains("127.0.0.1:" + c.vserverAddress("shop").getPort() + "/x?y=1");
    }

    // ---- fixtures ----

    /** A response: its status, head and body; a backend's body is {@code key=value} lines. */
    record Response(int status, String head, String body) {

        static Response parse(byte[] bytes) {
            String all = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = all.indexOf("\r\n\r\n");
            assertThat(end).as("a complete response head in: %s", all).isPositive();
            String head = all.substring(0, end);
            return new Response(Integer.parseInt(head.substring(9, 12)), head, all.substring(end + 4));
        }

        Map<String, String> fields() {
            Map<String, String> out = new java.util.TreeMap<>();
            for (String line : body.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return out;
        }
    }

    private Response request(InetAddress from, String vserver, String request) throws IOException {
        return request(from, b.vserverAddress(vserver), request);
    }

    private static Response request(InetAddress from, InetSocketAddress to, String request) throws IOException {
        try (Socket s = new Socket(to.getAddress(), to.getPort(), from, 0)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            return Response.parse(s.getInputStream().readAllBytes());
        }
    }

    /**
     * Sends {@code head} of a chunked POST to {@code to} from a client near C, then 64 KiB of body,
     * and the other 256 KiB only once the first part reached C's backend through both appliances
     * (the body is streamed, not collected first); C's backend must have received all of it.
     */
    private Response uploadInTwoParts(InetSocketAddress to, String head) throws Exception {
        byte[] first = filled(64 * 1024, (byte) 'x');
        byte[] second = filled(256 * 1024, (byte) 'y');
        try (Socket s = new Socket(to.getAddress(), to.getPort(), NEAR_C, 0)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            chunk(out, first);
            await().atMost(Duration.ofSeconds(10)).until(() -> uploadedAtC.get() >= first.length);
            chunk(out, second);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Response r = Response.parse(s.getInputStream().readAllBytes());
            CRC32 crc = new CRC32();
            crc.update(first);
            crc.update(second);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.fields()).containsEntry("backend", "c")
                    .containsEntry("received", String.valueOf(first.length + second.length))
                    .containsEntry("crc", Long.toHexString(crc.getValue()));
            return r;
        }
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static byte[] filled(int n, byte b) {
        byte[] a = new byte[n];
        Arrays.fill(a, b);
        return a;
    }

    /** A backend that answers with its name and what it received: target, forwarded fields, body size. */
    private int backend(String name) throws IOException {
        return backends.start(ex -> answer(name, ex));
    }

    private void answer(String name, HttpExchange ex) throws IOException {
        long received = 0;
        CRC32 crc = new CRC32();
        byte[] buf = new byte[8192];
        try (InputStream in = ex.getRequestBody()) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                received += n;
                crc.update(buf, 0, n);
                if (name.equals("c")) {
                    uploadedAtC.addAndGet(n);
                }
            }
        }
        StringBuilder body = new StringBuilder()
                .append("backend=").append(name).append('\n')
                .append("target=").append(ex.getRequestURI()).append('\n')
                .append("received=").append(received).append('\n')
                .append("crc=").append(Long.toHexString(crc.getValue())).append('\n');
        for (String field : List.of("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "Via")) {
            List<String> values = ex.getRequestHeaders().get(field);
            if (values != null) {
                body.append(field.toLowerCase(java.util.Locale.ROOT)).append('=').append(String.join(", ", values)).append('\n');
            }
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
