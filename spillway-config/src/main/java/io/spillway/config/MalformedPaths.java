package io.spillway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields the reader could not read as written: a wrong type, a value out of range, a
 * missing required key, a list that lost an item. The model holds a default (or nothing) in
 * their place, so a semantic rule that looks at one of them would judge a value the user never
 * wrote. Unknown keys are not here: the model is exactly as if they were absent.
 *
 * <p>Paths are compared segment by segment, {@code [*]} matching any index: a malformed path
 * {@code vservers[1].name} touches {@code vservers[*].name}, and so does its ancestor
 * {@code vservers} (a list whose items shifted) or a descendant.
 */
final class MalformedPaths {

    private static final Pattern SEGMENT = Pattern.compile("\\[[^\\]]*\\]|[^.\\[]+");

    private final List<List<String>> paths = new ArrayList<>();

    void add(String path) {
        paths.add(segments(path == null ? "" : path));
    }

    boolean isEmpty() {
        return paths.isEmpty();
    }

    /** Whether any malformed path is {@code pattern}, above it or below it. */
    boolean touches(String pattern) {
        List<String> wanted = segments(pattern);
        for (List<String> path : paths) {
            if (overlap(path, wanted)) {
                return true;
            }
        }
        return false;
    }

    private static boolean overlap(List<String> path, List<String> pattern) {
        int n = Math.min(path.size(), pattern.size());
        for (int i = 0; i < n; i++) {
            String want = pattern.get(i);
            if (!want.equals(path.get(i)) && !(want.equals("[*]") && path.get(i).startsWith("["))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        Matcher m = SEGMENT.matcher(path);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
