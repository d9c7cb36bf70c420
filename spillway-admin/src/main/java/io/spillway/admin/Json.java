package io.spillway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson mapper of the management interface; thread-safe once configured. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
