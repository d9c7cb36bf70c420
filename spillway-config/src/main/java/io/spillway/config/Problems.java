package io.spillway.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the errors of one file, each with its position. */
final class Problems {

    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void add(YamlNode.Mark mark, String path, String message) {
        errors.add(new ConfigError(file, mark.line(), mark.column(), path, message));
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /** The errors in file order (line, then column, then the order they were found). */
    List<ConfigError> sorted() {
        List<ConfigError> out = new ArrayList<>(errors);
        out.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return List.copyOf(out);
    }
}
