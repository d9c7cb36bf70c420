package io.spillway.monitor;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;

/**
 * {@code http}, {@code http-ecv}, {@code https}, {@code https-ecv}: sends the configured
 * request ({@code GET /} by default) and expects a status of {@code expectStatus} (any 2xx or
 * 3xx when none is configured) and, when {@code expectBody} is set, a body containing it. The
 * body is read only then; without {@code expectBody} the status line and headers decide.
 */
final class HttpProbe implements Probe {

    private final List<Integer> expectStatusList;
    private final int[] expectStatus;
    private final String expectText;
    private final byte[] expectBody;
    private final HttpExchange exchange;

    HttpProbe(InetSocketAddress remote, String hostHeader, SslContext ssl, boolean verifyHost,
              String request, List<Integer> expectStatus, String expectBody) {
        String[] parts = request == null || request.isBlank() ? new String[]{"GET", "/"} : request.trim().split("\\s+");
        String method;
        String path;
        if (parts.length == 1) {
            method = "GET";
            path = parts[0];
        } else if (parts.length == 2) {
            method = HttpMethod.valueOf(parts[0].toUpperCase(Locale.ROOT)).name();
            path = parts[1];
        } else {
            throw new IllegalArgumentException("http monitor: request must be 'METHOD /path', got '" + request + "'");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("http monitor: path must start with '/', got '" + path + "'");
        }
        this.expectStatusList = List.copyOf(expectStatus);
        this.expectStatus = expectStatus.stream().mapToInt(Integer::intValue).toArray();
        this.expectText = expectBody;
        this.expectBody = ReplyBuffer.utf8(expectBody);
        this.exchange = new HttpExchange(remote, hostHeader, ssl, verifyHost, method, path, expectBody != null,
                this::judge);
    }

    @Override
    public void start(ProbeConnector connector, ProbeAttempt attempt) {
        exchange.start(connector, attempt);
    }

    private void judge(HttpResponseReader reply, ProbeAttempt attempt) {
        if (!statusAccepted(reply.status())) {
            attempt.failAnswered("status " + reply.status() + ", expected "
                    + (expectStatus.length == 0 ? "2xx or 3xx" : expectStatusList));
        } else if (expectBody != null && !reply.body().contains(expectBody)) {
            attempt.failAnswered("body did not contain " + ReplyBuffer.quote(expectText));
        } else {
            attempt.succeed();
        }
    }

    private boolean statusAccepted(int status) {
        if (expectStatus.length == 0) {
            return status >= 200 && status < 400;
        }
        for (int s : expectStatus) {
            if (s == status) {
                return true;
            }
        }
        return false;
    }
}
