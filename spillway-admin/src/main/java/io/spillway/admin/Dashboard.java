package io.spillway.admin;

import io.spillway.httpjson.ApiRequest;
import io.spillway.httpjson.ApiResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The live dashboard: one self-contained HTML page, read once from the classpath. */
final class Dashboard {

    private static final String RESOURCE = "dashboard.html";

    private final ApiResponse page;

    Dashboard() {
        try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + RESOURCE + " is missing from the jar");
            }
            page = new ApiResponse(200, "text/html; charset=utf-8", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard resource", e);
        }
    }

    ApiResponse page(ApiRequest request) {
        return page;
    }
}
