package io.spillway.admin;

import io.spillway.core.runtime.StatusClass;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/stats.csv}: the traffic counters as one CSV table, a row per vServer then a
 * row per service, like HAProxy's {@code ;csv} stats export, for a spreadsheet or a script.
 * Built from the same views as the JSON answers, so both always agree. RFC 4180: a header row,
 * CRLF line ends, a field quoted when it holds a comma, a quote or a line end.
 *
 * <p>Columns: {@code type} (vserver or service), {@code name, state, active, max_active, limit}
 * (the threshold or capacity; empty when unlimited), {@code total} (connections ever admitted),
 * {@code spillovers, redirects, drops} (vServers; empty for services), {@code bytes_in,
 * bytes_out} (vServers), {@code 1xx … 5xx} (requests answered by status class), {@code failures}
 * (services: failed attempts of any reason), {@code last_change_age_ms} (services: since their
 * state last changed; empty when it never did).
 */
final class StatsCsv {

    static final String CONTENT_TYPE = "text/csv; charset=utf-8";
    private static final List<String> CLASSES = Arrays.stream(StatusClass.values()).map(StatusClass::label).toList();
    private static final String HEADER = "type,name,state,active,max_active,limit,total,spillovers,redirects,drops,"
            + "bytes_in,bytes_out," + String.join(",", CLASSES) + ",failures,last_change_age_ms";

    private StatsCsv() {
    }

    static String of(List<VServerStatus> vservers, List<ServiceStatus> services) {
        StringBuilder out = new StringBuilder(HEADER).append("\r\n");
        for (VServerStatus v : vservers) {
            row(out, "vserver", v.name(), v.state(), v.activeConnections(), v.maxActiveConnections(), v.threshold(),
                    v.admitted(), v.spillovers(), v.redirects(), v.drops(), v.bytesIn(), v.bytesOut());
            classes(out, v.requests());
            out.append(",,\r\n");
        }
        for (ServiceStatus s : services) {
            row(out, "service", s.name(), s.state(), s.activeConnections(), s.maxActiveConnections(),
                    s.capacity() == 0 ? null : s.capacity(), s.admitted(), null, null, null, null, null);
            classes(out, s.requests());
            out.append(',').append(sum(s.failures())).append(',').append(blankIfNull(s.lastStateChangeAgeMs()))
                    .append("\r\n");
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String type, String name, String state, Object... numbers) {
        out.append(type).append(',').append(field(name)).append(',').append(field(state));
        for (Object n : numbers) {
            out.append(',').append(blankIfNull(n));
        }
    }

    private static void classes(StringBuilder out, Map<String, Long> requests) {
        for (String c : CLASSES) {
            out.append(',').append(requests.getOrDefault(c, 0L));
        }
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String blankIfNull(Object value) {
        return value == null ? "" : value.toString();
    }

    /** A field as RFC 4180 writes it: quoted, with quotes doubled, when it needs to be. */
    static String field(String value) {
        if (value == null) {
            return "";
        }
        boolean quote = value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
