package io.spillway.httpjson;

/** What a route needs from the caller: nothing, read rights or write rights ({@link AccessPolicy}). */
public enum Access {
    /** Anyone may call: a health check, a page that holds no data, a public endpoint. */
    PUBLIC,
    READ,
    WRITE;

    /** Reads are GET and HEAD; every other method changes something. */
    public static Access forMethod(String method) {
        return "GET".equals(method) || "HEAD".equals(method) ? READ : WRITE;
    }
}
