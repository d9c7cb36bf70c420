package io.spillway.admin;

import io.spillway.httpjson.Access;
import io.spillway.httpjson.ApiRequest;
import io.spillway.httpjson.ApiResponse;
import io.spillway.httpjson.Route;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/**
 * The live dashboard: one HTML page with its own CSS and script, and the one library it uses,
 * uPlot (MIT, ~50 KB minified), served from the uPlot webjar on the classpath. All of it is read
 * once from the jar; nothing is fetched from anywhere else.
 *
 * <p>The library's paths carry its version ({@code /assets/uplot/1.6.30/uPlot.iife.min.js}), so
 * they are cached for a year as immutable: an upgrade changes the path the page names. Neither
 * the page nor the assets hold data, so none needs the token.
 */
final class Dashboard {

    private static final String PAGE = "dashboard.html";
    private static final String WEBJAR = "/META-INF/resources/webjars/uplot/";
    private static final String WEBJAR_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final String VERSION_PLACEHOLDER = "{{uplot}}";
    static final String ASSETS = "/assets/uplot/";
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final String version = uplotVersion();
    private final ApiResponse page = new ApiResponse(200, "text/html; charset=utf-8",
            read(PAGE).replace(VERSION_PLACEHOLDER, ASSETS + version).getBytes(StandardCharsets.UTF_8));

    /** The page at {@code /} and the library's script, style sheet and licence below {@link #ASSETS}. */
    List<Route> routes() {
        return List.of(
                Route.inline("GET", "/", Access.PUBLIC, request -> page),
                asset("dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
                asset("dist/uPlot.min.css", "text/css; charset=utf-8"),
                asset("LICENSE", "text/plain; charset=utf-8"));
    }

    private Route asset(String file, String contentType) {
        ApiResponse body = new ApiResponse(200, contentType, bytes(WEBJAR + version + "/" + file))
                .withHeader("Cache-Control", IMMUTABLE);
        String name = file.substring(file.lastIndexOf('/') + 1);
        return Route.inline("GET", ASSETS + version + "/" + name, Access.PUBLIC, (ApiRequest request) -> body);
    }

    private static String uplotVersion() {
        Properties pom = new Properties();
        try (InputStream in = Dashboard.class.getResourceAsStream(WEBJAR_POM)) {
            if (in == null) {
                throw new IllegalStateException("the uPlot webjar (" + WEBJAR_POM + ") is missing from the classpath");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WEBJAR_POM, e);
        }
        return pom.getProperty("version");
    }

    private static String read(String resource) {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String resource) {
        try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource " + resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard resource " + resource, e);
        }
    }
}
