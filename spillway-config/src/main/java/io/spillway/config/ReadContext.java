package io.spillway.config;

import io.spillway.core.model.Durations;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.validate.DomainNames;
import io.spillway.core.net.IpAddress;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Turns single YAML nodes into typed values, substituting the environment first and
 * reporting every failure at the node's position. Each method returns null after reporting.
 */
final class ReadContext {

    /** Longer durations are typos, and would overflow timers downstream. */
    static final Duration MAX_DURATION = Duration.ofDays(365);

    private final Problems problems;
    private final EnvSubstitution env;

    ReadContext(Problems problems, EnvSubstitution env) {
        this.problems = problems;
        this.env = env;
    }

    void error(YamlNode.Mark mark, String path, String message) {
        problems.add(mark, path, message);
    }

    /** An unknown key: an error, but the model is as if it were absent. */
    void unknownKey(YamlNode.Mark mark, String path, String message) {
        problems.report(mark, path, message);
    }

    /** A list at {@code path} lost an item: the indices after it no longer match the file. */
    void lostItem(String path) {
        problems.malformed(path);
    }

    /** A scalar's text after substitution; null for an empty value or after an error. */
    String text(YamlNode node, String path) {
        if (!(node instanceof YamlNode.Scalar scalar)) {
            error(node.mark(), path, "expected a single value, got " + node.describe());
            return null;
        }
        if (scalar.isNull()) {
            return null;
        }
        EnvSubstitution.Result result = env.apply(scalar.text());
        for (String message : result.errors()) {
            error(node.mark(), path, message);
        }
        return result.text();
    }

    Long integer(YamlNode node, String path, long min, long max) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            error(node.mark(), path, "expected a whole number, got '" + text + "'");
            return null;
        }
        if (value < min || value > max) {
            error(node.mark(), path, range(value, min, max));
            return null;
        }
        return value;
    }

    private static String range(long value, long min, long max) {
        if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
            return "must be at least " + min + ", got " + value;
        }
        return "must be between " + min + " and " + max + ", got " + value;
    }

    /**
     * A size in bytes: a whole number, optionally followed by {@code KB}, {@code MB} or
     * {@code GB} (multiples of 1024, as Logback's and most logrotate sizes are).
     */
    Long size(YamlNode node, String path, long min, long max) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        for (String[] suffix : new String[][] {{"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"B", "1"}}) {
            if (t.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                t = t.substring(0, t.length() - suffix[0].length()).trim();
                break;
            }
        }
        long value;
        try {
            value = Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            error(node.mark(), path, "expected a size such as 1048576, 512KB, 100MB or 1GB, got '" + text.trim() + "'");
            return null;
        }
        if (value < min || value > max) {
            error(node.mark(), path, "must be between " + min + " and " + max + " bytes, got " + text.trim());
            return null;
        }
        return value;
    }

    /** A decimal number no smaller than {@code min}. */
    Double decimal(YamlNode node, String path, double min) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        double value;
        try {
            value = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            error(node.mark(), path, "expected a number, got '" + text + "'");
            return null;
        }
        if (!Double.isFinite(value) || value < min) {
            error(node.mark(), path, "must be a number of at least " + min + ", got " + text.trim());
            return null;
        }
        return value;
    }

    Boolean bool(YamlNode node, String path) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Boolean.TRUE;
            case "false", "no", "off" -> Boolean.FALSE;
            default -> {
                error(node.mark(), path, "expected true or false, got '" + text + "'");
                yield null;
            }
        };
    }

    /**
     * A duration no shorter than {@code min}; {@code 0} alone (no unit) is zero. With
     * {@code positive}, zero is refused too.
     */
    Duration duration(YamlNode node, String path, Duration min, boolean positive) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        Duration value;
        try {
            value = text.trim().equals("0") ? Duration.ZERO : Durations.parse(text);
        } catch (IllegalArgumentException e) {
            error(node.mark(), path, e.getMessage());
            return null;
        }
        if (positive && value.isZero()) {
            error(node.mark(), path, "must be longer than 0, got " + text.trim());
            return null;
        }
        if (value.compareTo(MAX_DURATION) > 0) {
            error(node.mark(), path, "must be at most " + Durations.format(MAX_DURATION) + ", got " + text.trim());
            return null;
        }
        if (value.compareTo(min) < 0) {
            error(node.mark(), path, "must be at least " + Durations.format(min) + ", got " + text.trim());
            return null;
        }
        return value;
    }

    HostPort hostPort(YamlNode node, String path) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        HostPort hp;
        try {
            hp = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            error(node.mark(), path, e.getMessage());
            return null;
        }
        if (!IpAddress.isLiteral(hp.host()) && !DomainNames.isValid(hp.host())) {
            error(node.mark(), path, "'" + hp.host() + "' is not an IP address or a host name");
            return null;
        }
        return hp;
    }

    <E extends Enum<E>> E enumValue(YamlNode node, String path, Class<E> type) {
        String text = text(node, path);
        if (text == null) {
            return null;
        }
        String wanted = text.trim();
        List<String> names = new java.util.ArrayList<>();
        for (E e : type.getEnumConstants()) {
            String name = configName(e);
            if (name.equals(wanted)) {
                return e;
            }
            names.add(name);
        }
        String hint = Suggestions.closest(wanted, names);
        error(node.mark(), path, "'" + wanted + "' is not one of " + String.join(", ", names)
                + (hint == null ? "" : " (did you mean " + hint + "?)"));
        return null;
    }

    /** The configuration spelling of an enum constant, as the model's {@code configName()}. */
    static String configName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The items of a list; an empty value is an empty list; anything else is an error. */
    List<YamlNode> items(YamlNode node, String path) {
        if (node instanceof YamlNode.Sequence seq) {
            return seq.items();
        }
        if (node instanceof YamlNode.Scalar s && s.isNull()) {
            return List.of();
        }
        error(node.mark(), path, "expected a list, got " + node.describe());
        return List.of();
    }
}
