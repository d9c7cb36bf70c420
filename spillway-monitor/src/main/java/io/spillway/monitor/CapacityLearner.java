package io.spillway.monitor;

import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.spillway.core.health.CapacityBody;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.ServiceListener;
import io.spillway.core.runtime.ServiceState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * SPEC S2, learnt capacity: asks a service for its connection capacity with
 * {@code GET capacityUrl} when the service comes UP and then at every interval, and sets it
 * on the {@link Service}, whose vServers recompute their thresholds (S3). The body is a plain
 * integer or {@code {"capacity": N}}. A failed or malformed answer keeps the last capacity and
 * is logged once per distinct error. Asked only while the service is UP; one request at a time.
 */
final class CapacityLearner implements ServiceListener {

    private static final Logger LOG = LoggerFactory.getLogger(CapacityLearner.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("spillway.events");

    private final Service service;
    private final EventLoop loop;
    private final ProbeConnector connector;
    private final HttpExchange exchange;
    private final String path;
    private final long intervalNanos;
    private final long timeoutNanos;

    private volatile boolean closed;
    private ScheduledFuture<?> periodic;
    private ScheduledFuture<?> timeout;
    private boolean inFlight;
    private String lastError;

    CapacityLearner(Service service, EventLoop loop, ProbeConnector connector, InetSocketAddress remote, String hostHeader,
                    SslContext ssl, String path, long intervalNanos, long timeoutNanos) {
        this.service = service;
        this.loop = loop;
        this.connector = connector;
        this.exchange = new HttpExchange(remote, hostHeader, ssl, false, "GET", path, true, this::learn);
        this.path = path;
        this.intervalNanos = Math.max(1, intervalNanos);
        this.timeoutNanos = Math.max(1, timeoutNanos);
    }

    void start() {
        service.addListener(this);
        long jitter = ThreadLocalRandom.current().nextLong(intervalNanos);
        loop.execute(() -> {
            if (!closed) {
                fetch();
                periodic = loop.scheduleAtFixedRate(this::fetch, jitter + intervalNanos, intervalNanos,
                        TimeUnit.NANOSECONDS);
            }
        });
    }

    @Override
    public void onStateChange(Service s, ServiceState previous, ServiceState current, String reason) {
        if (current == ServiceState.UP && !closed) {
            runOnLoop(this::fetch);
        }
    }

    private void fetch() {
        if (closed || inFlight || !service.isUp()) {
            return;
        }
        inFlight = true;
        ProbeAttempt attempt = new ProbeAttempt(loop, this::fetched);
        timeout = loop.schedule(() -> attempt.fail("timeout"), timeoutNanos, TimeUnit.NANOSECONDS);
        exchange.start(connector, attempt);
    }

    private void fetched(ProbeOutcome outcome) {
        timeout.cancel(false);
        inFlight = false;
        if (outcome.ok()) {
            lastError = null;
        } else if (!closed && !Objects.equals(lastError, outcome.error())) {
            lastError = outcome.error();
            LOG.warn("capacity of service {} not learnt from {}: {}; keeping {}", service.name(), path,
                    outcome.error(), service.capacity());
        }
    }

    private void learn(HttpResponseReader reply, ProbeAttempt attempt) {
        if (reply.status() != 200) {
            attempt.failAnswered("status " + reply.status());
            return;
        }
        int learnt;
        try {
            learnt = CapacityBody.parse(reply.body().text());
        } catch (IllegalArgumentException e) {
            attempt.failAnswered(e.getMessage());
            return;
        }
        int before = service.capacity();
        if (!closed && before != learnt) {
            service.setCapacity(learnt);
            EVENTS.info("service.capacity service={} old={} new={} source={}", service.name(), before, learnt, path);
        }
        attempt.succeed();
    }

    Service service() {
        return service;
    }

    void close() {
        closed = true;
        service.removeListener(this);
        runOnLoop(() -> {
            if (periodic != null) {
                periodic.cancel(false);
            }
        });
    }

    /** The caller may be any thread; a loop already shut down has nothing left to do. */
    private void runOnLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            LOG.debug("event loop of service {} already shut down", service.name());
        }
    }
}
