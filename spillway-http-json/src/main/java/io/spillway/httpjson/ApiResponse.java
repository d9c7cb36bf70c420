package io.spillway.httpjson;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers: a status, a content type (null: none, for an empty body), the body
 * bytes and any header beyond those every answer carries ({@link HttpResponses}).
 */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    /** JSON is UTF-8 by definition (RFC 8259); the media type takes no charset parameter. */
    public static final String JSON = "application/json";

    public ApiResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " is outside 100-599");
        }
        body = body == null ? new byte[0] : body;
        if (contentType == null && body.length > 0) {
            contentType = "application/octet-stream";
        }
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public ApiResponse(int status, String contentType, byte[] body) {
        this(status, contentType, body, Map.of());
    }

    /** {@code value} serialised by Jackson (records, maps, lists, strings, numbers). */
    public static ApiResponse json(int status, Object value) {
        try {
            return new ApiResponse(status, JSON, Json.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getName() + " as JSON", e);
        }
    }

    /** The error shape of every JSON API here: {@code {"error": message}}. */
    public static ApiResponse error(int status, String message) {
        return json(status, Map.of("error", message == null ? "error" : message));
    }

    public static ApiResponse text(int status, String contentType, String text) {
        return new ApiResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A 302 to {@code location}, with no body. */
    public static ApiResponse redirect(String location) {
        return new ApiResponse(302, null, null, Map.of("Location", location));
    }

    /** This response with one more header. */
    public ApiResponse withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new ApiResponse(status, contentType, body, more);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
