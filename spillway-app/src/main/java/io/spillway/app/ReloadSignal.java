package io.spillway.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGHUP re-reads the configuration file exactly like {@code POST /api/v1/reload} (CONTRACT.md,
 * Operations), as HAProxy and NGINX do: a file with errors is refused whole and its errors are
 * logged, one line each, with nothing changed.
 *
 * <p>The JVM's own SIGHUP handler runs the shutdown hooks (the appliance would stop); this
 * replaces it through {@code sun.misc.Signal}, the supported way to handle a signal in Java
 * (module {@code jdk.unsupported}). The reload itself runs on a thread of its own, not on the
 * JVM's signal dispatcher; signals that arrive while one waits to run are folded into it.
 */
final class ReloadSignal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReloadSignal.class);

    private final Appliance appliance;
    private final ExecutorService reloader;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ReloadSignal(Appliance appliance) {
        this.appliance = appliance;
        this.reloader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "spillway-reload-signal");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Handles SIGHUP by reloading {@code appliance}. Where the platform has no SIGHUP, or the JVM
     * keeps it for itself ({@code -Xrs}), logs why and returns a handle that does nothing.
     */
    static ReloadSignal install(Appliance appliance) {
        ReloadSignal handler = new ReloadSignal(appliance);
        try {
            Signal.handle(new Signal("HUP"), signal -> handler.requested());
        } catch (IllegalArgumentException e) {
            log.warn("event=sighup_unavailable reason=\"{}\" hint=\"use POST /api/v1/reload\"", e.getMessage());
        }
        return handler;
    }

    private void requested() {
        if (closed.get() || !pending.compareAndSet(false, true)) {
            return;
        }
        reloader.execute(this::reload);
    }

    private void reload() {
        pending.set(false);
        if (closed.get()) {
            return;
        }
        log.info("event=reload_requested source=SIGHUP");
        Appliance.ReloadOutcome outcome = appliance.reload();
        for (String error : outcome.errors()) {
            log.warn("event=reload_error source=SIGHUP error=\"{}\"", error);
        }
        if (outcome.errors().isEmpty() && outcome.changes().isEmpty()) {
            log.info("event=reload_unchanged source=SIGHUP");
        }
    }

    /** Stops reacting to SIGHUP: a signal during shutdown must not reload a closing appliance. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            reloader.shutdown();
        }
    }
}
