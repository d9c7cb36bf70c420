package io.spillway.config;

/**
 * One configuration error, at the position of the offending key or value.
 *
 * @param file    the file name as given to the loader
 * @param line    1-based line
 * @param column  1-based column
 * @param path    the field, e.g. {@code vservers[0].spillover.backup}; empty for the whole file
 * @param message what is wrong, and what would be right
 */
public record ConfigError(String file, int line, int column, String path, String message) {

    /** {@code FILE:LINE:COLUMN: field.path: message} (without the path part when it is empty). */
    public String format() {
        String where = file + ":" + line + ":" + column + ": ";
        return path == null || path.isEmpty() ? where + message : where + path + ": " + message;
    }

    @Override
    public String toString() {
        return format();
    }
}
