package io.spillway.monitor;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.spillway.core.health.ProbeCounter;
import io.spillway.core.health.ResponseTimeCheck;
import io.spillway.core.model.Durations;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.runtime.MonitorState;
import io.spillway.core.runtime.MonitorStatus;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One monitor watching one service (SPEC M2): probes it every {@code interval}, fails a probe
 * that has not answered within {@code timeout}, applies the response-time rules (M3) and the
 * failures/successes hysteresis, and reports state changes to its {@link ServiceHealth}.
 *
 * <p><b>Scheduling.</b> The task lives on one event loop, chosen at start: its timer, its
 * probe's channels and its counters are all confined there, so nothing in it needs a lock.
 * The first probe starts at a random point of the first interval, so thousands of monitors
 * configured together do not fire in the same millisecond. Each later probe is planned one
 * interval after the previous one started, and never before the previous one has finished:
 * probes of one monitor never overlap; a probe slower than the interval delays the next one
 * instead of stacking up. How late a probe starts against its plan is its scheduling lag.
 *
 * <p><b>One timer per probe.</b> Each probe needs a deadline (its timeout) and the next probe a
 * start (its plan). Scheduling both, and cancelling the deadline when the probe answers, costs two
 * insertions and a removal in the loop's timer heap per probe, which at thousands of probes a
 * second shows in the profile. Instead a probe schedules only its deadline; when it answers, it
 * leaves that timer in place if the timer is due no later than the next plan (timeout &lt;=
 * interval, the usual case), and the timer, firing, starts the next probe when the plan is due
 * (timeout = interval: at once) or schedules it. Only a timeout longer than the interval cancels
 * the deadline, so that the next probe is not held back by it.
 */
final class MonitorTask {

    private final ServiceHealth owner;
    private final int index;
    private final MonitorConfig config;
    private final Probe probe;
    private final EventLoop loop;
    private final ProbeConnector connector;
    private final List<MonitorListener> listeners;
    private final ResponseTimeCheck responseTimeCheck;
    private final ProbeCounter counter;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final String timeoutText;

    private volatile MonitorStatus status;
    private volatile boolean closed;
    private final Runnable deadline = this::deadline;
    private final Consumer<ProbeOutcome> receiver = this::completed;
    /** The one timer of this task: the next probe's start, or the deadline of the probe in flight. */
    private ScheduledFuture<?> pending;
    private ProbeAttempt inFlight;
    private long plannedNanos;
    private long deadlineNanos;
    private long lag;

    MonitorConfig config() {
        return config;
    }

    MonitorTask(ServiceHealth owner, int index, MonitorConfig config, Probe probe, EventLoop loop,
                ProbeConnector connector, List<MonitorListener> listeners) {
        this.owner = owner;
        this.index = index;
        this.config = config;
        this.probe = probe;
        this.loop = loop;
        this.connector = connector;
        this.listeners = listeners;
        this.responseTimeCheck = new ResponseTimeCheck(config.responseTime());
        // a service kept DOWN across a reload must prove itself again; otherwise up until proven down
        this.counter = new ProbeCounter(config.failures(), config.successes(), owner.service().isHealthy());
        this.intervalNanos = Math.max(1, config.interval().toNanos());
        this.timeoutNanos = Math.max(1, config.timeout().toNanos());
        this.timeoutText = "timeout after " + Durations.format(config.timeout());
        this.status = new MonitorStatus(config.name(), config.type().configName(), MonitorState.of(counter.isUp()),
                config.weight(),
                -1, null, probe.detail());
    }

    int index() {
        return index;
    }

    String name() {
        return config.name();
    }

    MonitorStatus status() {
        return status;
    }

    void start() {
        long jitter = ThreadLocalRandom.current().nextLong(intervalNanos);
        loop.execute(() -> plan(System.nanoTime() + jitter));
    }

    private void plan(long atNanos) {
        if (closed) {
            return;
        }
        plannedNanos = atNanos;
        pending = loop.schedule(this::fire, Math.max(0, atNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void fire() {
        pending = null;
        if (closed) {
            return;
        }
        long started = System.nanoTime();
        lag = Math.max(0, started - plannedNanos);
        ProbeAttempt attempt = new ProbeAttempt(loop, receiver);
        inFlight = attempt;
        deadlineNanos = started + timeoutNanos;
        pending = loop.schedule(deadline, timeoutNanos, TimeUnit.NANOSECONDS);
        try {
            probe.start(connector, attempt);
        } catch (RuntimeException e) {
            attempt.fail(e);
        }
    }

    /** The deadline of the last probe: times it out if it is still running, else starts the next one as planned. */
    private void deadline() {
        pending = null;
        if (closed) {
            return;
        }
        if (inFlight != null) {
            inFlight.fail(timeoutText);
        } else if (System.nanoTime() - plannedNanos >= 0) {
            fire();
        } else {
            plan(plannedNanos);
        }
    }

    private void completed(ProbeOutcome raw) {
        long started = inFlight.startNanos();
        inFlight = null;
        if (closed) {
            return;
        }
        ProbeOutcome outcome = raw;
        if (outcome.ok()) {
            owner.service().recordProbeTime(outcome.responseNanos());
            String broken = responseTimeCheck.check(outcome.responseNanos());
            if (broken != null) {
                outcome = new ProbeOutcome(false, outcome.responseNanos(), broken);
            }
        }
        MonitorState before = MonitorState.of(counter.isUp());
        boolean changed = counter.record(outcome.ok());
        MonitorState after = MonitorState.of(counter.isUp());
        MonitorStatus previous = status;
        status = new MonitorStatus(config.name(), previous.type(), after, config.weight(),
                outcome.answered() ? outcome.responseTimeMs() : previous.lastResponseTimeMs(),
                outcome.error() != null ? outcome.error() : previous.lastError(), probe.detail());
        for (MonitorListener l : listeners) {
            l.onProbe(owner.service().name(), config.name(), lag, outcome);
        }
        if (changed) {
            owner.monitorChanged(this, before, after, outcome);
        }
        long next = Math.max(started + intervalNanos, System.nanoTime());
        if (pending != null && deadlineNanos - next <= 0) {
            plannedNanos = next; // the deadline's timer starts the next probe
        } else {
            if (pending != null) {
                pending.cancel(false);
            }
            plan(next);
        }
    }

    /** Stops the task: no further probe starts, the one in flight is abandoned and its channels closed. */
    void close() {
        closed = true;
        if (loop.inEventLoop()) {
            abandon();
        } else {
            try {
                loop.execute(this::abandon);
            } catch (RejectedExecutionException e) {
                // the loop is shut down: its timers and channels went with it
            }
        }
    }

    private void abandon() {
        if (pending != null) {
            pending.cancel(false);
        }
        if (inFlight != null) {
            inFlight.fail("monitor stopped");
        }
    }

    EventLoop loop() {
        return loop;
    }
}
