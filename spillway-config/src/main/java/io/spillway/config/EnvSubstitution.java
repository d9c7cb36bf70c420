package io.spillway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Replaces {@code ${NAME}} in a scalar by the environment variable NAME. An unset variable is
 * an error, unless a default is written as {@code ${NAME:-default}}. {@code $${} writes a
 * literal {@code ${}. A {@code $} not followed by {@code {} is kept as it is.
 */
final class EnvSubstitution {

    private final Map<String, String> env;

    EnvSubstitution(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The text with every reference replaced, or the reasons it cannot be. */
    record Result(String text, List<String> errors) {
        boolean ok() {
            return errors.isEmpty();
        }
    }

    Result apply(String text) {
        if (text.indexOf('$') < 0) {
            return new Result(text, List.of());
        }
        StringBuilder out = new StringBuilder(text.length());
        List<String> errors = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    errors.add("unclosed '${' in '" + text + "' (write $${ for a literal ${)");
                    return new Result(null, errors);
                }
                String inner = text.substring(i + 2, close);
                String name = inner;
                String fallback = null;
                int dflt = inner.indexOf(":-");
                if (dflt >= 0) {
                    name = inner.substring(0, dflt);
                    fallback = inner.substring(dflt + 2);
                }
                if (!isName(name)) {
                    errors.add("'${" + inner + "}' is not a variable reference: a name is letters, digits and _");
                } else {
                    String value = env.get(name);
                    if (value == null) {
                        value = fallback;
                    }
                    if (value == null) {
                        errors.add("environment variable " + name + " is not set");
                    } else {
                        out.append(value);
                    }
                }
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return errors.isEmpty() ? new Result(out.toString(), List.of()) : new Result(null, errors);
    }

    private static boolean isName(String name) {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }
}
