package io.spillway.config;

/** Field paths as errors name them: {@code vservers[0].spillover.backup}. */
final class Paths {

    private Paths() {
    }

    static String key(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** The path one level up: {@code a.b[2]} to {@code a.b}, {@code a.b} to {@code a}; "" at the top. */
    static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut <= 0 ? "" : path.substring(0, cut);
    }
}
