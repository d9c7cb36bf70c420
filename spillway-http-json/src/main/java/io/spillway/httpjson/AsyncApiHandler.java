package io.spillway.httpjson;

import java.util.concurrent.CompletableFuture;

/**
 * Answers one request later, without blocking: called on the event loop, it returns a future
 * the server waits on (bounded by {@link HttpLimits#answerTimeout()}, 504 beyond). A future that
 * fails maps like an {@link ApiHandler}'s exception.
 */
@FunctionalInterface
public interface AsyncApiHandler {

    CompletableFuture<ApiResponse> handle(ApiRequest request);
}
