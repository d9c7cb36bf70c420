package io.spillway.admin;

import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The built-in endpoints over the runtime graph: vServers, services and the administrator's
 * enable/disable (CONTRACT.md, "Management API"). Every call reads the graph the supplier
 * holds now, so a reload's new graph answers the next request. All in-memory: these handlers
 * run on the event loop.
 */
final class ManagementApi {

    private static final Logger log = LoggerFactory.getLogger(ManagementApi.class);

    static final String VSERVERS = "/api/v1/vservers";
    static final String SERVICES = "/api/v1/services";
    static final String EVENTS = "/api/v1/events";
    static final int MAX_EVENTS = 256;

    private final Supplier<RuntimeGraph> graph;
    private final ServiceEventLog events;

    ManagementApi(Supplier<RuntimeGraph> graph, ServiceEventLog events) {
        this.graph = graph;
        this.events = events;
    }

    /** The current graph, with the event log following it. */
    private RuntimeGraph current() {
        RuntimeGraph g = graph.get();
        events.track(g);
        return g;
    }

    /** {@code GET /api/v1/events?limit=N}: recent service status changes, newest first. */
    AdminResponse events(AdminRequest request) {
        current();
        String limitText = request.queryParam("limit");
        int limit = MAX_EVENTS;
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_EVENTS) {
                return AdminResponse.error(400, "limit must be a number from 1 to " + MAX_EVENTS);
            }
        }
        return AdminResponse.json(200, events.recent(limit));
    }

    AdminResponse health(AdminRequest request) {
        return AdminResponse.json(200, Map.of("status", "ok"));
    }

    AdminResponse vservers(AdminRequest request) {
        RuntimeGraph g = current();
        String[] rest = rest(request.path(), VSERVERS);
        if (rest.length == 0) {
            return AdminResponse.json(200, g.vservers().stream().map(vs -> VServerStatus.of(g, vs)).toList());
        }
        if (rest.length == 1) {
            VirtualServer vs = g.vserver(rest[0]);
            return vs == null ? AdminResponse.error(404, "no vserver named '" + rest[0] + "'")
                    : AdminResponse.json(200, VServerStatus.of(g, vs));
        }
        return notFound(request);
    }

    AdminResponse services(AdminRequest request) {
        RuntimeGraph g = current();
        String[] rest = rest(request.path(), SERVICES);
        if (rest.length == 0) {
            return AdminResponse.json(200, g.services().stream().map(ServiceStatus::of).toList());
        }
        if (rest.length == 1) {
            Service s = g.service(rest[0]);
            return s == null ? unknownService(rest[0]) : AdminResponse.json(200, ServiceStatus.of(s));
        }
        if (rest.length == 2 && isAction(rest[1])) {
            return AdminResponse.error(405, request.path() + " takes POST");
        }
        return notFound(request);
    }

    /** {@code POST /api/v1/services/{name}/disable|enable}: the service's JSON after the change. */
    AdminResponse serviceAction(AdminRequest request) {
        String[] rest = rest(request.path(), SERVICES);
        if (rest.length != 2 || !isAction(rest[1])) {
            return rest.length <= 1 ? AdminResponse.error(405, request.path() + " takes GET") : notFound(request);
        }
        Service s = current().service(rest[0]);
        if (s == null) {
            return unknownService(rest[0]);
        }
        if (rest[1].equals("disable")) {
            s.disable();
        } else {
            s.enable();
        }
        log.info("service {} {}d by the administrator at {}", s.name(), rest[1], request.remote());
        return AdminResponse.json(200, ServiceStatus.of(s));
    }

    private static boolean isAction(String segment) {
        return segment.equals("disable") || segment.equals("enable");
    }

    private static AdminResponse unknownService(String name) {
        return AdminResponse.error(404, "no service named '" + name + "'");
    }

    static AdminResponse notFound(AdminRequest request) {
        return AdminResponse.error(404, "no such resource: " + request.path());
    }

    /** The non-empty path segments after {@code base}. */
    private static String[] rest(String path, String base) {
        String tail = path.substring(base.length());
        return tail.chars().allMatch(c -> c == '/') ? new String[0]
                : Arrays.stream(tail.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
