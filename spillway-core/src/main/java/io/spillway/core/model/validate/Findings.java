package io.spillway.core.model.validate;

import java.util.ArrayList;
import java.util.List;

/** The problems found so far by the rules. */
final class Findings {

    private final List<ConfigProblem> problems = new ArrayList<>();

    void add(String path, String message) {
        problems.add(new ConfigProblem(path, message));
    }

    List<ConfigProblem> list() {
        return List.copyOf(problems);
    }

    /** Up to ten names for a hint, then how many more. */
    static String some(List<String> names) {
        int shown = Math.min(10, names.size());
        String list = String.join(", ", names.subList(0, shown));
        return names.size() > shown ? list + " and " + (names.size() - shown) + " more" : list;
    }

    /** "a tcp", "an http", "an ftp", "a dns": by how the word is spoken. */
    static String article(String word) {
        boolean vowelSound = word.startsWith("http") || word.startsWith("ftp") || word.startsWith("udp")
                || word.startsWith("a") || word.startsWith("e") || word.startsWith("i") || word.startsWith("o");
        return (vowelSound ? "an " : "a ") + word;
    }

    /** The first item named {@code name}; unlike the model's lookups, tolerates unnamed items. */
    static <T> java.util.Optional<T> named(List<T> items, java.util.function.Function<T, String> nameOf, String name) {
        return items.stream().filter(i -> java.util.Objects.equals(nameOf.apply(i), name)).findFirst();
    }

    /** An enum as the configuration spells it; "unset" for null. */
    static String spell(Enum<?> e) {
        return e == null ? "unset" : e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    static String at(String section, int index) {
        return section + "[" + index + "]";
    }
}
