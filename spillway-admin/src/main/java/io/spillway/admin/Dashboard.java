package io.spillway.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The live dashboard: one self-contained HTML page, read once from the classpath. */
final class Dashboard {

    private static final String RESOURCE = "dashboard.html";

    private final AdminResponse page;

    Dashboard() {
        try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + RESOURCE + " is missing from the jar");
            }
            page = new AdminResponse(200, "text/html; charset=utf-8", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard resource", e);
        }
    }

    AdminResponse page(AdminRequest request) {
        return page;
    }
}
