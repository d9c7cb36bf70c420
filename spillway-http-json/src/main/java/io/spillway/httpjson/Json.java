package io.spillway.httpjson;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one Jackson mapper of the JSON APIs; thread-safe once configured. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
