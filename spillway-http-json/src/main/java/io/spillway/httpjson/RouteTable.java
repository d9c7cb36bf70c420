package io.spillway.httpjson;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Finds the route for a method and path: the most specific route of that method whose pattern
 * covers the path ({@link Route#moreSpecificThan}). A path covered only by routes of other
 * methods is a 405 whose {@code Allow} lists them; a path nothing covers is a 404. Routes may be
 * added while the server runs (the table is copy-on-write).
 */
final class RouteTable {

    /** The outcome of a lookup: a route and its path parameters, or the methods allowed on the path (empty: 404). */
    record Match(Route route, Map<String, String> params, Set<String> allowed) {
    }

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    public void add(Route route) {
        routes.add(route);
    }

    Match find(String method, String path) {
        List<String> segments = Route.segments(path);
        Route best = null;
        Map<String, String> bestParams = null;
        Set<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = r.match(segments);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                if (best == null || r.moreSpecificThan(best)) {
                    best = r;
                    bestParams = params;
                }
            } else {
                allowed.add(r.method());
            }
        }
        return new Match(best, bestParams, allowed);
    }
}
