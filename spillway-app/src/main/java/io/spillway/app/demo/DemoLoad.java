package io.spillway.app.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded, loopback-only client load for the demo: the number of concurrent slow requests
 * rises from 0 to {@code peak} and back over each cycle, so that the primary fills up, spills
 * to the backup, and the whole chain redirects at the top.
 */
final class DemoLoad implements AutoCloseable {

    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-load");
        t.setDaemon(true);
        return t;
    });
    private final URI target;
    private final int peak;
    private final Duration cycle;
    private final Semaphore inFlight;
    private final AtomicInteger wanted = new AtomicInteger();
    private final LongAdder ok = new LongAdder();
    private final LongAdder redirected = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final long startNanos = System.nanoTime();

    DemoLoad(URI target, int peak, Duration cycle) {
        this.target = target;
        this.peak = peak;
        this.cycle = cycle;
        this.inFlight = new Semaphore(peak);
    }

    void start() {
        timer.scheduleAtFixedRate(this::tick, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        double phase = ((System.nanoTime() - startNanos) % cycle.toNanos()) / (double) cycle.toNanos();
        int level = (int) Math.round(peak * (phase < 0.5 ? phase * 2 : (1 - phase) * 2));
        wanted.set(level);
        while (peak - inFlight.availablePermits() < wanted.get() && inFlight.tryAcquire()) {
            HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(10)).build();
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                if (e != null) {
                    failed.increment();
                } else if (r.statusCode() == 302) {
                    redirected.increment();
                } else if (r.statusCode() == 200) {
                    ok.increment();
                } else {
                    failed.increment();
                }
                inFlight.release();
            });
        }
    }

    String describe() {
        return "load " + (peak - inFlight.availablePermits()) + " in flight, " + ok.sum() + " ok, "
                + redirected.sum() + " redirected, " + failed.sum() + " failed";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
