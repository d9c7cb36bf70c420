package io.spillway.admin;

import io.spillway.httpjson.ApiResponse;
import io.spillway.httpjson.HttpLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bad input to the admin port gets a clear status and a close, never a crash or a hang (SPEC P5). */
class MalformedInputTest {

    private static final HttpLimits FAST = new HttpLimits(1 << 20, 4096, 8192,
            Duration.ofMillis(300), Duration.ofSeconds(30), 4, 2, null);

    @RegisterExtension
    static final AdminExtension admins = new AdminExtension();


    /** Bound on any single read: generous, as the build machine may be heavily loaded. */
    private static final int READ_TIMEOUT_MS = 20_000;

    /** Writes {@code request}, then reads until the server closes (bounded by the socket timeout). */
    private static String exchange(AdminFixture admin, byte[] request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", admin.port())) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (SocketException closedWhileWriting) {
                // the server answered and closed before taking the whole request: read what it said
            }
            return readToClose(socket.getInputStream());
        }
    }

    private static String readToClose(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // a reset after the answer still leaves the answer in `got`
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertStillServing(AdminFixture admin) throws Exception {
        assertThat(admin.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void garbageBytesGetA400AndAClose() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            byte[] garbage = new byte[600];
            new Random(42).nextBytes(garbage);
            garbage[garbage.length - 2] = '\r';
            garbage[garbage.length - 1] = '\n';
            String reply = exchange(admin, garbage);
            assertThat(reply).startsWith("HTTP/1.1 400").contains("\"error\"").contains("connection: close");
            assertThat(exchange(admin, ascii("GET /api/v1/vservers FOO/1.1\r\n\r\n"))).startsWith("HTTP/1.1 400");
            assertStillServing(admin);
        }
    }

    @Test
    void anOversizedBodyGetsA413AndAClose() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            String head = "POST /api/v1/services/web-1/disable HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                    + "Content-Length: " + (2 << 20) + "\r\n\r\n";
            String reply = exchange(admin, ascii(head + "x".repeat(64 * 1024)));
            assertThat(reply).startsWith("HTTP/1.1 413").contains("larger than 1048576 bytes");
            assertThat(admin.graph.get().service("web-1").isUp()).isTrue();
            assertStillServing(admin);
        }
    }

    @Test
    void anOversizedChunkedBodyGetsA413() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            StringBuilder req = new StringBuilder("POST /api/v1/services/web-1/disable HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer t\r\nTransfer-Encoding: chunked\r\n\r\n");
            String chunk = "y".repeat(0x8000);
            for (int i = 0; i < 40; i++) { // 40 x 32 KiB = 1.25 MiB
                req.append("8000\r\n").append(chunk).append("\r\n");
            }
            req.append("0\r\n\r\n");
            assertThat(exchange(admin, ascii(req.toString()))).startsWith("HTTP/1.1 413");
            assertThat(admin.graph.get().service("web-1").isUp()).isTrue();
            assertStillServing(admin);
        }
    }

    @Test
    void anOversizedHeaderGetsA431AndALongRequestLineA414() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            String bigHeader = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(20_000) + "\r\n\r\n";
            assertThat(exchange(admin, ascii(bigHeader))).startsWith("HTTP/1.1 431");
            String longLine = "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
            assertThat(exchange(admin, ascii(longLine))).startsWith("HTTP/1.1 414");
            assertStillServing(admin);
        }
    }

    @Test
    void aRequestThatDoesNotArriveInTimeGetsA408AndAClose() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            String reply = exchange(admin, ascii("GET /api/v1/vservers HTTP/1.1\r\nHost: x\r\nX-Slow: "));
            assertThat(reply).startsWith("HTTP/1.1 408").contains("request not received in time");
            assertStillServing(admin);
        }
    }

    @Test
    void aMalformedPercentEncodingGetsA400() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            assertThat(exchange(admin, ascii("GET /api/v1/vservers/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
                    .startsWith("HTTP/1.1 400");
            assertStillServing(admin);
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedOnAccept() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            Socket[] held = new Socket[4];
            try {
                for (int i = 0; i < held.length; i++) {
                    held[i] = new Socket("127.0.0.1", admin.port());
                    held[i].getOutputStream().write(ascii("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
                    byte[] buf = new byte[512];
                    held[i].setSoTimeout(READ_TIMEOUT_MS);
                    assertThat(held[i].getInputStream().read(buf)).isPositive();
                }
                try (Socket extra = new Socket("127.0.0.1", admin.port())) {
                    extra.setSoTimeout(READ_TIMEOUT_MS);
                    assertThat(readToClose(extra.getInputStream())).isEmpty();
                }
            } finally {
                for (Socket s : held) {
                    if (s != null) {
                        s.close();
                    }
                }
            }
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertStillServing(admin));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAcrossWorkerHandlers() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            CountDownLatch release = new CountDownLatch(1);
            admin.server.route("GET", "/api/v1/slow", req -> {
                release.await(5, TimeUnit.SECONDS);
                return ApiResponse.json(200, Map.of("n", "slow"));
            });
            try (Socket socket = new Socket("127.0.0.1", admin.port())) {
                socket.setSoTimeout(READ_TIMEOUT_MS);
                socket.getOutputStream().write(ascii("GET /api/v1/slow HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /api/v1/vservers/shop HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
                release.countDown();
                String replies = readToClose(socket.getInputStream());
                int slow = replies.indexOf("\"slow\"");
                int ok = replies.indexOf("\"status\":\"ok\"");
                int shop = replies.indexOf("\"name\":\"shop\"");
                assertThat(slow).isPositive();
                assertThat(ok).isGreaterThan(slow);
                assertThat(shop).isGreaterThan(ok);
            }
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        HttpLimits idle = new HttpLimits(1 << 20, 4096, 8192, Duration.ofSeconds(10), Duration.ofMillis(300), 4, 2, null);
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), idle);
             Socket socket = new Socket("127.0.0.1", admin.port())) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aFullWorkerQueueAnswers503AndRecovers() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop())) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            admin.server.route("GET", "/api/v1/slow", req -> {
                running.countDown();
                release.await(20, TimeUnit.SECONDS);
                return ApiResponse.json(200, Map.of("n", "slow"));
            });
            List<Socket> waiting = new ArrayList<>();
            try {
                Socket first = send(admin, "GET /api/v1/slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                waiting.add(first);
                assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < 64; i++) { // the worker's queue holds 64
                    waiting.add(send(admin, "GET /api/v1/slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> admin.server.queuedWork() == 64);
                assertThat(exchange(admin, ascii("GET /api/v1/slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
                        .startsWith("HTTP/1.1 503").contains("busy");
                assertStillServing(admin); // built-in handlers do not wait for the worker
                release.countDown();
                assertThat(readToClose(first.getInputStream())).startsWith("HTTP/1.1 200");
            } finally {
                release.countDown();
                for (Socket s : waiting) {
                    s.close();
                }
            }
        }
    }

    @Test
    void requestsPipelinedAfterConnectionCloseAreNotAnswered() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "t", TestGraphs.shop(), FAST)) {
            String replies = exchange(admin, ascii("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    + "POST /api/v1/services/web-1/disable HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                    + "Content-Length: 0\r\n\r\n"));
            assertThat(replies).startsWith("HTTP/1.1 200").containsOnlyOnce("HTTP/1.1");
            assertThat(admin.graph.get().service("web-1").isUp()).isTrue();
        }
    }

    private static Socket send(AdminFixture admin, String request) throws IOException {
        Socket socket = new Socket("127.0.0.1", admin.port());
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.getOutputStream().write(ascii(request));
        return socket;
    }
}
