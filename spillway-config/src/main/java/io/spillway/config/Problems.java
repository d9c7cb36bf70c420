package io.spillway.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects the errors of one file, each with its position, and which fields could not be read
 * as written ({@link MalformedPaths}).
 */
final class Problems {

    private final String file;
    private final List<ConfigError> errors = new ArrayList<>();
    private final MalformedPaths malformed = new MalformedPaths();

    Problems(String file) {
        this.file = file;
    }

    /** An error in the value at {@code path}: the model does not hold what was written there. */
    void add(YamlNode.Mark mark, String path, String message) {
        malformed.add(path);
        report(mark, path, message);
    }

    /** An error that leaves the model as the file means it (an unknown key is ignored). */
    void report(YamlNode.Mark mark, String path, String message) {
        errors.add(new ConfigError(file, mark.line(), mark.column(), path, message));
    }

    /** Marks {@code path} as not read as written, without an error of its own (already reported). */
    void malformed(String path) {
        malformed.add(path);
    }

    MalformedPaths malformed() {
        return malformed;
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
