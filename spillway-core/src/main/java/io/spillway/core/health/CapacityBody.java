package io.spillway.core.health;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SPEC S2: reads the capacity a service reports about itself: a body that is a plain integer
 * ({@code 120}) or a JSON object with a {@code capacity} member ({@code {"capacity": 120}}).
 * Anything else is rejected with a message that says what was expected.
 */
public final class CapacityBody {

    /** Bodies longer than this are not capacity answers. */
    public static final int MAX_LENGTH = 4096;

    private static final Pattern PLAIN = Pattern.compile("\\s*(\\d{1,10})\\s*");
    private static final Pattern JSON = Pattern.compile(
            "\\s*\\{.*?\"capacity\"\\s*:\\s*(\\d{1,10})\\s*[,}].*", Pattern.DOTALL);

    private CapacityBody() {
    }

    /**
     * @throws IllegalArgumentException when the body is neither form or the number is out of range
     */
    public static int parse(String body) {
        if (body == null || body.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("capacity body missing or longer than " + MAX_LENGTH + " characters");
        }
        Matcher m = PLAIN.matcher(body);
        if (!m.matches()) {
            m = JSON.matcher(body);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "expected an integer or {\"capacity\": N}, got '" + abbreviate(body) + "'");
            }
        }
        long value = Long.parseLong(m.group(1));
        if (value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("capacity " + value + " is too large");
        }
        return (int) value;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= 60 ? one : one.substring(0, 60) + "...";
    }
}
