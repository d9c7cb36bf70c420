package io.spillway.core.model.validate;

import java.util.Locale;
import java.util.regex.Pattern;

/** DNS names as a GSLB domain or zone may be written (RFC 1035 lengths, letters, digits, '-', '_'). */
public final class DomainNames {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");

    private DomainNames() {
    }

    public static boolean isValid(String name) {
        if (name == null) {
            return false;
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        for (String label : n.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** Lower case without the trailing dot: two spellings of one name compare equal. */
    public static String canonical(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
