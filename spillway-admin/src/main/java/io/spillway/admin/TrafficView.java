package io.spillway.admin;

import io.spillway.core.runtime.FailureReason;
import io.spillway.core.runtime.StatusClass;
import io.spillway.core.runtime.Traffic;

import java.util.LinkedHashMap;
import java.util.Map;

/** The traffic counters as JSON objects: {@code {"1xx": 0, …, "5xx": 3}}, {@code {"connect": 1, …}}. */
final class TrafficView {

    private TrafficView() {
    }

    static Map<String, Long> requests(Traffic t) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (StatusClass c : StatusClass.values()) {
            out.put(c.label(), t.requests(c));
        }
        return out;
    }

    static Map<String, Long> failures(Traffic t) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (FailureReason r : FailureReason.values()) {
            out.put(r.label(), t.failures(r));
        }
        return out;
    }
}
