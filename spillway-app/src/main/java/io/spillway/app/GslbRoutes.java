package io.spillway.app;

import io.spillway.admin.AdminServer;
import io.spillway.httpjson.ApiRequest;
import io.spillway.httpjson.ApiResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The admin API's GSLB endpoints, on every appliance (CONTRACT.md, Operations): they answer from
 * the GSLB parts of the moment, so a reload that adds, changes or removes the {@code gslb}
 * section is followed at the next request. Without a {@code gslb} section the appliance knows no
 * site ({@code []}) and resolves no domain (404).
 *
 * <ul>
 *   <li>{@code GET /api/v1/gslb/sites}: every branch known here</li>
 *   <li>{@code GET /api/v1/gslb/resolve?domain=D&client=IP}: the branch this appliance would choose</li>
 *   <li>{@code GET /api/v1/gslb/node}: this appliance's own place, {@code {site, role}} (nulls without
 *       gslb), from which the dashboard draws the hierarchy; a master adds
 *       {@code master: {standing, identity, active, state}} (issue 12)</li>
 * </ul>
 */
final class GslbRoutes {

    static final String SITES = "/api/v1/gslb/sites";
    static final String RESOLVE = "/api/v1/gslb/resolve";
    static final String NODE = "/api/v1/gslb/node";

    private final Supplier<GslbParts> gslb;

    private GslbRoutes(Supplier<GslbParts> gslb) {
        this.gslb = gslb;
    }

    /** Adds the routes to {@code admin}; {@code gslb} gives the current parts, or null without a section. */
    static void register(AdminServer admin, Supplier<GslbParts> gslb) {
        GslbRoutes routes = new GslbRoutes(gslb);
        admin.route("GET", SITES, routes::sites);
        admin.route("GET", RESOLVE, routes::resolve);
        admin.route("GET", NODE, routes::node);
    }

    private ApiResponse sites(ApiRequest request) {
        if (!request.path().replaceAll("/+$", "").equals(SITES)) {
            return ApiResponse.error(404, "no such resource: " + request.path());
        }
        GslbParts parts = gslb.get();
        return ApiResponse.json(200, parts == null ? List.of() : parts.sites());
    }

    private ApiResponse resolve(ApiRequest request) throws InterruptedException {
        String domain = request.queryParam("domain");
        if (domain == null || domain.isBlank()) {
            return ApiResponse.error(400, "query parameter 'domain' is required");
        }
        String client = request.queryParam("client");
        GslbParts parts = gslb.get();
        Map<String, Object> answer;
        if (parts == null) {
            answer = new LinkedHashMap<>();
            answer.put("domain", domain);
            answer.put("client", client == null || client.isBlank() ? null : client);
            answer.put("status", 404);
            answer.put("error", "unknown domain " + domain + ": this appliance has no gslb section");
        } else {
            answer = parts.resolve(domain, client);
        }
        Object status = answer.get("status");
        return ApiResponse.json(status instanceof Integer code ? code : 200, answer);
    }

    private ApiResponse node(ApiRequest request) {
        GslbParts parts = gslb.get();
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("site", parts == null ? null : parts.site());
        node.put("role", parts == null ? null : parts.role());
        if (parts != null && parts.master() != null) {
            node.put("master", parts.master()); // issue 12: active or standby
        }
        return ApiResponse.json(200, node);
    }
}
