package io.spillway.httpjson;

/**
 * Answers one request at once. Where it runs is the route's choice ({@link Route#inline} on the
 * event loop, for in-memory reads; {@link Route#blocking} on the server's worker thread, for
 * work that may block). An {@link IllegalArgumentException} becomes a 400 with its message; any
 * other exception, or no answer, a 500.
 */
@FunctionalInterface
public interface ApiHandler {

    ApiResponse handle(ApiRequest request) throws Exception;
}
