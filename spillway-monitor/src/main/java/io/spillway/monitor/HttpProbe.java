package io.spillway.monitor;

import io.netty.bootstrap.Bootstrap;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * {@code http}, {@code http-ecv}, {@code https}, {@code https-ecv}: sends the configured
 * request ({@code GET /} by default) and expects a status of {@code expectStatus} (any 2xx or
 * 3xx when none is configured) and, when {@code expectBody} is set, a body containing it.
 */
final class HttpProbe implements Probe {

    private final InetSocketAddress remote;
    private final String hostHeader;
    private final SslContext ssl;
    private final boolean verifyHost;
    private final HttpMethod method;
    private final String path;
    private final List<Integer> expectStatus;
    private final String expectBody;

    HttpProbe(InetSocketAddress remote, String hostHeader, SslContext ssl, boolean verifyHost,
              String request, List<Integer> expectStatus, String expectBody) {
        this.remote = remote;
        this.hostHeader = hostHeader;
        this.ssl = ssl;
        this.verifyHost = verifyHost;
        String[] parts = request == null || request.isBlank() ? new String[]{"GET", "/"} : request.trim().split("\\s+");
        if (parts.length == 1) {
            this.method = HttpMethod.GET;
            this.path = parts[0];
        } else if (parts.length == 2) {
            this.method = HttpMethod.valueOf(parts[0].toUpperCase(java.util.Locale.ROOT));
            this.path = parts[1];
        } else {
            throw new IllegalArgumentException("http monitor: request must be 'METHOD /path', got '" + request + "'");
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("http monitor: path must start with '/', got '" + path + "'");
        }
        this.expectStatus = List.copyOf(expectStatus);
        this.expectBody = expectBody;
    }

    @Override
    public void start(Bootstrap bootstrap, ProbeAttempt attempt) {
        HttpExchange.start(bootstrap, remote, hostHeader, ssl, verifyHost, method, path, attempt, reply -> {
            if (!statusAccepted(reply.status())) {
                attempt.failAnswered("status " + reply.status() + ", expected "
                        + (expectStatus.isEmpty() ? "2xx or 3xx" : expectStatus));
            } else if (expectBody != null && !reply.body().contains(expectBody)) {
                attempt.failAnswered("body did not contain " + ReplyBuffer.quote(expectBody));
            } else {
                attempt.succeed();
            }
        });
    }

    private boolean statusAccepted(int status) {
        return expectStatus.isEmpty() ? status >= 200 && status < 400 : expectStatus.contains(status);
    }
}
