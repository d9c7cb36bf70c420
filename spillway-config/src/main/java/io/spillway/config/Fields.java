package io.spillway.config;

import io.spillway.core.model.HostPort;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads the keys of one YAML mapping. Every key a section asks for becomes a known key;
 * {@link #finish()} then reports the keys nobody asked for as unknown, suggesting the closest
 * known one. Absent keys and empty values read as the default.
 */
final class Fields {

    private final YamlNode.Mapping map;
    private final String path;
    private final ReadContext ctx;
    private final Set<String> known = new LinkedHashSet<>();

    private Fields(YamlNode.Mapping map, String path, ReadContext ctx) {
        this.map = map;
        this.path = path;
        this.ctx = ctx;
    }

    /** The mapping at {@code node}; any other node is reported and read as an empty mapping. */
    static Fields of(YamlNode node, String path, ReadContext ctx) {
        if (node instanceof YamlNode.Mapping m) {
            return new Fields(m, path, ctx);
        }
        if (!(node instanceof YamlNode.Scalar s && s.isNull())) {
            ctx.error(node.mark(), path, "expected a mapping (key: value), got " + node.describe());
        }
        return new Fields(new YamlNode.Mapping(List.of(), node.mark()), path, ctx);
    }

    String path() {
        return path;
    }

    String path(String key) {
        return Paths.key(path, key);
    }

    ReadContext context() {
        return ctx;
    }

    /** The value of {@code key}, or null when it is absent or empty. */
    YamlNode node(String key) {
        known.add(key);
        YamlNode.Entry entry = map.entry(key);
        if (entry == null || entry.value() instanceof YamlNode.Scalar s && s.isNull()) {
            return null;
        }
        return entry.value();
    }

    boolean has(String key) {
        return node(key) != null;
    }

    void missing(String key) {
        ctx.error(map.mark(), path(key), "required key is missing");
    }

    private <T> T read(String key, BiFunction<YamlNode, String, T> reader) {
        YamlNode n = node(key);
        return n == null ? null : reader.apply(n, path(key));
    }

    private <T> T require(String key, BiFunction<YamlNode, String, T> reader) {
        YamlNode n = node(key);
        if (n == null) {
            missing(key);
            return null;
        }
        return reader.apply(n, path(key));
    }

    String string(String key) {
        return read(key, ctx::text);
    }

    String requiredString(String key) {
        String value = require(key, ctx::text);
        if (value != null && value.isBlank()) {
            ctx.error(node(key).mark(), path(key), "must not be blank");
            return null;
        }
        return value;
    }

    int integer(String key, int dflt, int min, int max) {
        Long v = read(key, (n, p) -> ctx.integer(n, p, min, max));
        return v == null ? dflt : v.intValue();
    }

    Integer optionalInteger(String key, int min, int max) {
        Long v = read(key, (n, p) -> ctx.integer(n, p, min, max));
        return v == null ? null : v.intValue();
    }

    long longValue(String key, long dflt, long min, long max) {
        Long v = read(key, (n, p) -> ctx.integer(n, p, min, max));
        return v == null ? dflt : v;
    }

    /** A size in bytes ({@code 512}, {@code 64KB}, {@code 100MB}, {@code 1GB}) between {@code min} and {@code max}. */
    long size(String key, long dflt, long min, long max) {
        Long v = read(key, (n, p) -> ctx.size(n, p, min, max));
        return v == null ? dflt : v;
    }

    Double decimal(String key, double min) {
        return read(key, (n, p) -> ctx.decimal(n, p, min));
    }

    boolean bool(String key, boolean dflt) {
        Boolean v = read(key, ctx::bool);
        return v == null ? dflt : v;
    }

    /** A duration of at least {@code min}; with {@code positive}, zero is refused. */
    Duration duration(String key, Duration dflt, Duration min, boolean positive) {
        Duration v = read(key, (n, p) -> ctx.duration(n, p, min, positive));
        return v == null ? dflt : v;
    }

    HostPort hostPort(String key) {
        return read(key, ctx::hostPort);
    }

    HostPort requiredHostPort(String key) {
        return require(key, ctx::hostPort);
    }

    <E extends Enum<E>> E enumValue(String key, E dflt, Class<E> type) {
        E v = read(key, (n, p) -> ctx.enumValue(n, p, type));
        return v == null ? dflt : v;
    }

    <E extends Enum<E>> E requiredEnum(String key, Class<E> type) {
        return require(key, (n, p) -> ctx.enumValue(n, p, type));
    }

    /** A list of strings; a single value is read as a list of one. */
    List<String> strings(String key) {
        return list(key, ctx::text);
    }

    List<HostPort> hostPorts(String key) {
        return list(key, ctx::hostPort);
    }

    /**
     * The items of a list read one by one; items that fail are reported and left out (and the
     * list marked malformed: later indices no longer match the file). A single scalar is read as
     * a list of one.
     */
    <T> List<T> list(String key, BiFunction<YamlNode, String, T> reader) {
        YamlNode n = node(key);
        List<T> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n instanceof YamlNode.Scalar) {
            T v = reader.apply(n, path(key));
            if (v != null) {
                out.add(v);
            } else {
                ctx.lostItem(path(key));
            }
            return out;
        }
        List<YamlNode> items = ctx.items(n, path(key));
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            if (item instanceof YamlNode.Scalar s && s.isNull()) {
                ctx.error(item.mark(), Paths.index(path(key), i), "empty list item");
                ctx.lostItem(path(key));
                continue;
            }
            T v = reader.apply(item, Paths.index(path(key), i));
            if (v != null) {
                out.add(v);
            } else {
                ctx.lostItem(path(key));
            }
        }
        return out;
    }

    /** The nested mapping at {@code key}, or null when it is absent. */
    Fields child(String key) {
        YamlNode n = node(key);
        return n == null ? null : of(n, path(key), ctx);
    }

    /** Reports every key of the mapping that no reader asked for. */
    void finish() {
        for (YamlNode.Entry e : map.entries()) {
            if (!known.contains(e.key())) {
                String hint = Suggestions.closest(e.key(), known);
                ctx.unknownKey(e.keyMark(), path(e.key()), "unknown key"
                        + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                        + "; valid keys here: " + String.join(", ", known));
            }
        }
    }
}
