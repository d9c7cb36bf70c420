package io.spillway.admin;

import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.Service;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.httpjson.Access;
import io.spillway.httpjson.ApiRequest;
import io.spillway.httpjson.ApiResponse;
import io.spillway.httpjson.Route;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
    static final String STATS_CSV = "/api/v1/stats.csv";
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
    ApiResponse events(ApiRequest request) {
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
                return ApiResponse.error(400, "limit must be a number from 1 to " + MAX_EVENTS);
            }
        }
        return ApiResponse.json(200, events.recent(limit));
    }

    /** The built-in routes, each answering from memory on the event loop. */
    List<Route> routes() {
        return List.of(
                Route.inline("GET", "/healthz", Access.PUBLIC, this::health),
                Route.inline("GET", VSERVERS, Access.READ, this::vservers),
                Route.inline("GET", VSERVERS + "/{name}", Access.READ, this::vserver),
                Route.inline("GET", SERVICES, Access.READ, this::services),
                Route.inline("GET", SERVICES + "/{name}", Access.READ, this::service),
                Route.inline("POST", SERVICES + "/{name}/disable", Access.WRITE, this::disable),
                Route.inline("POST", SERVICES + "/{name}/enable", Access.WRITE, this::enable),
                Route.inline("GET", EVENTS, Access.READ, this::events),
                Route.inline("GET", STATS_CSV, Access.READ, this::statsCsv));
    }

    ApiResponse health(ApiRequest request) {
        return ApiResponse.json(200, Map.of("status", "ok"));
    }

    ApiResponse vservers(ApiRequest request) {
        RuntimeGraph g = current();
        return ApiResponse.json(200, g.vservers().stream().map(vs -> VServerStatus.of(g, vs)).toList());
    }

    ApiResponse vserver(ApiRequest request) {
        RuntimeGraph g = current();
        String name = request.param("name");
        VirtualServer vs = g.vserver(name);
        return vs == null ? ApiResponse.error(404, "no vserver named '" + name + "'")
                : ApiResponse.json(200, VServerStatus.of(g, vs));
    }

    /** {@code GET /api/v1/stats.csv}: every vServer's and service's counters as CSV ({@link StatsCsv}). */
    ApiResponse statsCsv(ApiRequest request) {
        RuntimeGraph g = current();
        return ApiResponse.text(200, StatsCsv.CONTENT_TYPE, StatsCsv.of(
                g.vservers().stream().map(vs -> VServerStatus.of(g, vs)).toList(),
                g.services().stream().map(ServiceStatus::of).toList()));
    }

    ApiResponse services(ApiRequest request) {
        return ApiResponse.json(200, current().services().stream().map(ServiceStatus::of).toList());
    }

    ApiResponse service(ApiRequest request) {
        String name = request.param("name");
        Service s = current().service(name);
        return s == null ? unknownService(name) : ApiResponse.json(200, ServiceStatus.of(s));
    }

    /** {@code POST /api/v1/services/{name}/disable}: the service's JSON after the change. */
    ApiResponse disable(ApiRequest request) {
        return act(request, "disable", Service::disable);
    }

    /** {@code POST /api/v1/services/{name}/enable}: the service's JSON after the change. */
    ApiResponse enable(ApiRequest request) {
        return act(request, "enable", Service::enable);
    }

    private ApiResponse act(ApiRequest request, String action, Consumer<Service> change) {
        String name = request.param("name");
        Service s = current().service(name);
        if (s == null) {
            return unknownService(name);
        }
        change.accept(s);
        log.info("service {} {}d by the administrator at {}", s.name(), action, request.remote());
        return ApiResponse.json(200, ServiceStatus.of(s));
    }

    private static ApiResponse unknownService(String name) {
        return ApiResponse.error(404, "no service named '" + name + "'");
    }
}
