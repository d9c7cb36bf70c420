package io.spillway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a handler answers: a status, a content type and the body bytes.
 */
public record AdminResponse(int status, String contentType, byte[] body) {

    public static final String JSON = "application/json; charset=utf-8";

    public AdminResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status " + status + " is outside 100-599");
        }
        contentType = contentType == null ? "application/octet-stream" : contentType;
        body = body == null ? new byte[0] : body;
    }

    /** {@code value} serialised by Jackson (records, maps, lists, strings, numbers). */
    public static AdminResponse json(int status, Object value) {
        try {
            return new AdminResponse(status, JSON, Json.MAPPER.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + value.getClass().getName() + " as JSON", e);
        }
    }

    /** The error shape of the management API: {@code {"error": message}}. */
    public static AdminResponse error(int status, String message) {
        return json(status, Map.of("error", message == null ? "error" : message));
    }

    public static AdminResponse text(int status, String contentType, String text) {
        return new AdminResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
