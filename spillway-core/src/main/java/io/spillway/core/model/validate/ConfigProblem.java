package io.spillway.core.model.validate;

/**
 * A semantic problem of a configuration model.
 *
 * @param path    the field it is about, as written in the file: {@code vservers[0].spillover.backup}
 * @param message what is wrong, fit to show to an operator
 */
public record ConfigProblem(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
