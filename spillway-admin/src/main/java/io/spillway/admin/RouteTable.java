package io.spillway.admin;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Finds the route for a method and path: the longest path that covers the request among the
 * routes of that method. A path covered only by routes of other methods is a 405 whose
 * {@code Allow} lists them; a path nothing covers is a 404. Routes may be added while the
 * server runs (the table is copy-on-write).
 */
final class RouteTable {

    /** The outcome of a lookup: a route, or the methods allowed on the path (empty: 404). */
    record Match(Route route, Set<String> allowed) {
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    void add(Route route) {
        String path = route.path();
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("route path must start with '/': " + path);
        }
        routes.add(new Route(route.method().toUpperCase(Locale.ROOT), path, route.exact(), route.access(),
                route.offload(), route.handler()));
    }

    Match find(String method, String path) {
        Route best = null;
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            if (!r.covers(path)) {
                continue;
            }
            if (r.method().equals(method)) {
                if (best == null || r.path().length() > best.path().length()) {
                    best = r;
                }
            } else {
                allowed.add(r.method());
            }
        }
        return new Match(best, allowed);
    }
}
