package io.spillway.httpjson;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One entry of a {@link RouteTable}: a method, a path pattern, what the caller must prove, and
 * the handler with the place it runs.
 *
 * <p>A pattern is a path whose segments are literals or parameters in braces:
 * {@code /api/v1/services/{name}/disable} matches {@code /api/v1/services/web-1/disable} with
 * {@code name = web-1}. Paths are compared segment by segment and empty segments do not count,
 * so {@code /api/v1/services/} is {@code /api/v1/services}. A route made with {@link #below()}
 * also matches every path under its pattern ({@code /api/v1/gslb} matches
 * {@code /api/v1/gslb/sites}, not {@code /api/v1/gslbx}).
 */
public final class Route {

    private final String method;
    private final String pattern;
    private final List<String> segments;
    private final boolean below;
    private final Access access;
    private final boolean blocking;
    private final AsyncApiHandler handler;

    private Route(String method, String pattern, boolean below, Access access, boolean blocking,
                  AsyncApiHandler handler) {
        this.method = Objects.requireNonNull(method, "method").toUpperCase(Locale.ROOT);
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("route path must start with '/': " + pattern);
        }
        this.pattern = pattern;
        this.segments = segments(pattern);
        for (String s : segments) {
            if ((s.startsWith("{") != s.endsWith("}")) || s.equals("{}")) {
                throw new IllegalArgumentException("malformed path parameter '" + s + "' in " + pattern);
            }
        }
        this.below = below;
        this.access = Objects.requireNonNull(access, "access");
        this.blocking = blocking;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** A handler that answers at once from memory, on the event loop. */
    public static Route inline(String method, String pattern, Access access, ApiHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Route(method, pattern, false, access, false, request -> answered(handler, request));
    }

    /**
     * A handler that may block (read a file, bind a socket): it runs on the server's worker
     * thread, and requests pipelined behind it wait until it has answered, so they see its effects.
     */
    public static Route blocking(String method, String pattern, Access access, ApiHandler handler) {
        Objects.requireNonNull(handler, "handler");
        return new Route(method, pattern, false, access, true, request -> answered(handler, request));
    }

    /** A handler that answers later with a future; requests pipelined behind it are served meanwhile. */
    public static Route async(String method, String pattern, Access access, AsyncApiHandler handler) {
        return new Route(method, pattern, false, access, false, handler);
    }

    /** This route, matching every path below its pattern as well. */
    public Route below() {
        return new Route(method, pattern, true, access, blocking, handler);
    }

    private static CompletableFuture<ApiResponse> answered(ApiHandler handler, ApiRequest request) {
        try {
            return CompletableFuture.completedFuture(handler.handle(request));
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public String method() {
        return method;
    }

    public Access access() {
        return access;
    }

    /** Whether the handler runs on the worker thread. */
    boolean blocking() {
        return blocking;
    }

    AsyncApiHandler handler() {
        return handler;
    }

    /** The path parameters when this route's pattern covers {@code path} (as segments), else null. */
    Map<String, String> match(List<String> path) {
        if (path.size() < segments.size() || (!below && path.size() != segments.size())) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < segments.size(); i++) {
            String s = segments.get(i);
            if (isParameter(s)) {
                if (params == null) {
                    params = new HashMap<>();
                }
                params.put(s.substring(1, s.length() - 1), path.get(i));
            } else if (!s.equals(path.get(i))) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    /**
     * Whether this route is more specific than {@code other}, both matching one path: more
     * segments; then an exact pattern over one that covers paths below it; then, at the first
     * segment where they differ, a literal over a parameter.
     */
    boolean moreSpecificThan(Route other) {
        if (segments.size() != other.segments.size()) {
            return segments.size() > other.segments.size();
        }
        if (below != other.below) {
            return !below;
        }
        for (int i = 0; i < segments.size(); i++) {
            boolean mine = isParameter(segments.get(i));
            boolean theirs = isParameter(other.segments.get(i));
            if (mine != theirs) {
                return !mine;
            }
        }
        return false;
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{");
    }

    /** The non-empty segments of a path. */
    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i > start) {
                    out.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return method + " " + pattern + (below ? "/**" : "");
    }
}
