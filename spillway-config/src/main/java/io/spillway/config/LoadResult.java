package io.spillway.config;

import io.spillway.core.model.SpillwayConfig;

import java.util.List;

/**
 * What reading a configuration gave: the model, or every error found (then {@code config}
 * is null).
 */
public record LoadResult(SpillwayConfig config, List<ConfigError> errors) {

    public LoadResult {
        errors = List.copyOf(errors);
        if (!errors.isEmpty()) {
            config = null;
        }
    }

    public boolean ok() {
        return errors.isEmpty();
    }

    /** Every error formatted, one per line (empty when ok). */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (ConfigError e : errors) {
            sb.append(e.format()).append('\n');
        }
        return sb.toString();
    }
}
