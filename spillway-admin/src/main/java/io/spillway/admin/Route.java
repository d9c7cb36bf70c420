package io.spillway.admin;

/**
 * One entry of the route table.
 *
 * @param method  upper-case HTTP method
 * @param path    an exact path, or a prefix that matches itself and everything below it
 * @param exact   whether {@code path} must match exactly
 * @param access  what the caller must prove
 * @param offload whether the handler runs on the worker thread rather than the event loop
 */
record Route(String method, String path, boolean exact, Access access, boolean offload, AdminHandler handler) {

    /** Whether this route's path covers {@code requestPath}, segment by segment. */
    boolean covers(String requestPath) {
        if (requestPath.equals(path)) {
            return true;
        }
        if (exact || !requestPath.startsWith(path)) {
            return false;
        }
        return path.endsWith("/") || requestPath.charAt(path.length()) == '/';
    }
}
