package io.spillway.admin;

/** What a route needs from the caller: nothing, read rights or write rights. */
enum Access {
    /** {@code /healthz} and the dashboard page itself, which holds no data. */
    PUBLIC,
    READ,
    WRITE;

    /** Reads are GET and HEAD; every other method changes something. */
    static Access forMethod(String method) {
        return "GET".equals(method) || "HEAD".equals(method) ? READ : WRITE;
    }
}
