package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code spillway status}: vServers, services and GSLB sites of a running appliance, as tables. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print vServers, services and GSLB sites of a running appliance as tables.")
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--admin", defaultValue = "http://127.0.0.1:9900", paramLabel = "URL",
            converter = AdminUrl.class, description = "admin API base URL (default: ${DEFAULT-VALUE})")
    URI admin;

    @Option(names = "--token", paramLabel = "T", defaultValue = "${env:SPILLWAY_TOKEN}",
            description = "bearer token (default: $SPILLWAY_TOKEN)")
    String token;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Override
    public Integer call() {
        try {
            System.out.print(render());
            return 0;
        } catch (IOException | StatusException e) {
            System.err.println("spillway status: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    String render() throws IOException, InterruptedException, StatusException {
        StringBuilder out = new StringBuilder();
        Table vservers = new Table("VSERVER", "STATE", "PROTOCOL", "LISTEN", "ACTIVE", "THRESHOLD", "SPILLOVER",
                "BACKUP", "SPILLED", "REDIRECTS", "DROPS");
        for (JsonNode v : get("/api/v1/vservers")) {
            vservers.row(text(v, "name"), text(v, "state"), text(v, "protocol"), text(v, "listen"),
                    text(v, "activeConnections"), v.path("threshold").isNull() ? "unlimited" : text(v, "threshold"),
                    text(v, "spilloverMethod"), text(v, "backup"), text(v, "spillovers"), text(v, "redirects"),
                    text(v, "drops"));
        }
        out.append(vservers).append('\n');
        Table services = new Table("SERVICE", "STATE", "ADDRESS", "ACTIVE", "CAPACITY", "WEIGHT", "RT_MS", "MONITORS");
        for (JsonNode s : get("/api/v1/services")) {
            List<String> monitors = new ArrayList<>();
            for (JsonNode m : s.path("monitors")) {
                monitors.add(text(m, "name") + ":" + text(m, "state"));
            }
            services.row(text(s, "name"), text(s, "state"), text(s, "address"), text(s, "activeConnections"),
                    text(s, "capacity"), text(s, "weight"), text(s, "responseTimeMs"), String.join(",", monitors));
        }
        out.append(services);
        JsonNode sites = getOptional("/api/v1/gslb/sites");
        if (sites != null && !sites.isEmpty()) { // every appliance answers; [] without a gslb section
            Table table = new Table("SITE", "STATE", "AGGREGATOR", "AGE_MS", "DOMAIN", "ADDRESS", "AVAILABLE", "ACTIVE");
            for (JsonNode site : sites) {
                for (JsonNode d : site.path("domains")) {
                    table.row(text(site, "site"), text(site, "state"), text(site, "aggregator"),
                            text(site, "lastReportAgeMs"), text(d, "domain"), text(d, "address"),
                            text(d, "availableCapacity"), text(d, "activeConnections"));
                }
            }
            out.append('\n').append(table);
        }
        return out.toString();
    }

    private JsonNode get(String path) throws IOException, InterruptedException, StatusException {
        JsonNode node = getOptional(path);
        if (node == null) {
            throw new StatusException(admin + path + ": not found");
        }
        return node;
    }

    private JsonNode getOptional(String path) throws IOException, InterruptedException, StatusException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin + path))
                .timeout(Duration.ofSeconds(5));
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r;
        try {
            r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.net.ConnectException e) {
            throw new StatusException("cannot connect to " + admin + " (is the appliance running?)");
        }
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200) {
            String message = r.body();
            try {
                message = JSON.readTree(r.body()).path("error").asText(r.body());
            } catch (IOException ignored) {
                // not JSON: show it as it is
            }
            throw new StatusException(path + ": HTTP " + r.statusCode() + ": " + message);
        }
        return JSON.readTree(r.body());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return "-";
        }
        if (v.isDouble()) {
            return String.format("%.1f", v.asDouble());
        }
        return v.asText();
    }

    static final class StatusException extends Exception {
        StatusException(String message) {
            super(message);
        }
    }
}
