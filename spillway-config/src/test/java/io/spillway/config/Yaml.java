package io.spillway.config;

import java.util.List;
import java.util.Map;

/** Test helper: parse YAML text as {@code test.yaml} and format its errors. */
final class Yaml {

    static final Map<String, String> ENV = Map.of(
            "SPILLWAY_TOKEN", "t0k3n",
            "SPILLWAY_EXCHANGE_SECRET", "s3cret",
            "PORT", "8080",
            "HOST", "127.0.0.1");

    private Yaml() {
    }

    static LoadResult parse(String yaml) {
        return ConfigLoader.parse("test.yaml", yaml, ENV);
    }

    static List<String> errors(String yaml) {
        return parse(yaml).errors().stream().map(ConfigError::format).toList();
    }
}
