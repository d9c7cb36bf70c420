package io.spillway.config;

import java.util.List;

/**
 * A YAML document as a small tree that remembers where every node starts, so that every
 * configuration error can name the line and column of the offending key or value.
 */
sealed interface YamlNode permits YamlNode.Scalar, YamlNode.Mapping, YamlNode.Sequence {

    /** Where the node starts (1-based line and column). */
    Mark mark();

    /** How the node is named in an error message: "a string", "a list"... */
    String describe();

    record Mark(int line, int column) {
        static final Mark START = new Mark(1, 1);
    }

    /**
     * A scalar as written; {@code isNull} for an empty value, {@code ~} or {@code null}.
     * The text is kept raw: environment substitution and typing happen when it is read.
     */
    record Scalar(String text, boolean isNull, Mark mark) implements YamlNode {
        @Override
        public String describe() {
            return isNull ? "an empty value" : "'" + text + "'";
        }
    }

    record Entry(String key, Mark keyMark, YamlNode value) {
    }

    record Mapping(List<Entry> entries, Mark mark) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        Entry entry(String key) {
            for (Entry e : entries) {
                if (e.key().equals(key)) {
                    return e;
                }
            }
            return null;
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    record Sequence(List<YamlNode> items, Mark mark) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }
}
