package io.spillway.core.model;

import java.time.Duration;

/** Durations as the configuration writes them: a number and a unit, {@code 10ms 1s 5m 2h 1d}. */
public final class Durations {

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException with a message fit for a configuration error
     */
    public static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 1s or 5m");
        }
        String s = text.trim();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0 || i == s.length()) {
            throw new IllegalArgumentException(
                    "bad duration '" + text + "': expected a number and a unit (us, ms, s, m, h, d)");
        }
        double value;
        try {
            value = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad duration '" + text + "': not a number");
        }
        long nanosPerUnit = switch (s.substring(i).trim()) {
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalArgumentException(
                    "bad duration '" + text + "': unknown unit '" + s.substring(i).trim()
                            + "' (use us, ms, s, m, h or d)");
        };
        return Duration.ofNanos(Math.round(value * nanosPerUnit));
    }

    /** The shortest exact text for a duration, the inverse of {@link #parse}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        long[] units = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        String[] names = {"d", "h", "m", "s", "ms", "us"};
        for (int i = 0; i < units.length; i++) {
            if (nanos % units[i] == 0) {
                return nanos / units[i] + names[i];
            }
        }
        return nanos / 1000.0 + "us";
    }
}
