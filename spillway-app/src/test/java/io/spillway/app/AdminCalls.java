package io.spillway.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A test's calls to an appliance's admin API with a bearer token, over a real HTTP client. */
final class AdminCalls {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    AdminCalls(String token) {
        this.token = token;
    }

    HttpResponse<String> get(Appliance appliance, String path) throws IOException, InterruptedException {
        return get(appliance.adminAddress(), path);
    }

    /** The same call to an appliance known only by its admin address (e.g. another process). */
    HttpResponse<String> get(InetSocketAddress admin, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://" + Appliance.hostPort(admin)
                        + path)).timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(Appliance appliance, String path) throws IOException, InterruptedException {
        return JSON.readTree(get(appliance, path).body());
    }

    JsonNode json(InetSocketAddress admin, String path) throws IOException, InterruptedException {
        return JSON.readTree(get(admin, path).body());
    }
}
