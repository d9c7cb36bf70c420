package io.spillway.monitor;

import io.spillway.core.health.WeightedHealth;
import io.spillway.core.runtime.MonitorState;
import io.spillway.core.runtime.MonitorStatus;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.ServiceState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The monitors of one service and their weighted verdict (SPEC M4, M5). When a monitor
 * changes state, the weights are summed and the service's health set in one step under the
 * {@link WeightedHealth}'s lock, so verdicts from monitors on different event loops reach the
 * service in order; the service then tells its vServers, which recompute their thresholds at
 * once (S3). Each change is logged as one structured line on the {@code spillway.events}
 * logger; the service's own changes reach its {@link io.spillway.core.runtime.ServiceListener}s.
 */
final class ServiceHealth {

    private static final Logger EVENTS = LoggerFactory.getLogger("spillway.events");

    private final Service service;
    private final WeightedHealth weights;
    private final List<MonitorTask> tasks = new ArrayList<>();

    ServiceHealth(Service service, WeightedHealth weights) {
        this.service = service;
        this.weights = weights;
    }

    Service service() {
        return service;
    }

    void add(MonitorTask task) {
        tasks.add(task);
    }

    List<MonitorTask> tasks() {
        return tasks;
    }

    /** What the management interface shows for this service's monitors. */
    List<MonitorStatus> view() {
        List<MonitorStatus> out = new ArrayList<>(tasks.size());
        for (MonitorTask t : tasks) {
            out.add(t.status());
        }
        return out;
    }

    void monitorChanged(MonitorTask task, MonitorState before, MonitorState after, ProbeOutcome outcome) {
        String reason = outcome.error() == null ? "probe succeeded" : outcome.error();
        WeightedHealth.Verdict verdict;
        ServiceState serviceBefore;
        ServiceState serviceAfter;
        synchronized (weights) {
            verdict = weights.set(task.index(), after == MonitorState.UP);
            serviceBefore = service.state();
            service.setHealth(verdict.up(), "monitor " + task.name() + " " + after + ": " + reason
                    + "; " + verdict.describe());
            serviceAfter = service.state();
        }
        double ms = outcome.responseTimeMs();
        EVENTS.info("monitor.state service={} monitor={} old={} new={} reason=\"{}\" responseTimeMs={} serviceUp={}",
                service.name(), task.name(), before, after, escape(reason), format(ms), verdict.up());
        if (serviceBefore != serviceAfter) {
            EVENTS.info("service.state service={} old={} new={} reason=\"{}\" upWeight={} threshold={}",
                    service.name(), serviceBefore, serviceAfter, escape(service.lastReason()),
                    verdict.upWeight(), verdict.threshold());
        }
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String format(double ms) {
        return ms < 0 ? "-1" : String.format(Locale.ROOT, "%.3f", ms);
    }
}
