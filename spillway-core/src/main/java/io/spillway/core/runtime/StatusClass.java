package io.spillway.core.runtime;

/**
 * The class of an HTTP status code (RFC 9110 §15): what the traffic counters of a vServer and a
 * service count by, and the {@code code} label of their metrics ({@code 1xx} … {@code 5xx}).
 */
public enum StatusClass {
    INFORMATIONAL("1xx"),
    SUCCESSFUL("2xx"),
    REDIRECTION("3xx"),
    CLIENT_ERROR("4xx"),
    SERVER_ERROR("5xx");

    private static final StatusClass[] VALUES = values();

    private final String label;

    StatusClass(String label) {
        this.label = label;
    }

    /** {@code 1xx} … {@code 5xx}. */
    public String label() {
        return label;
    }

    /** The class of {@code status}, or null for a code outside 100-599 (not an HTTP status). */
    public static StatusClass of(int status) {
        int index = index(status);
        return index < 0 ? null : VALUES[index];
    }

    /** The ordinal of {@code status}'s class, or -1 outside 100-599; allocates nothing. */
    static int index(int status) {
        return status >= 100 && status <= 599 ? status / 100 - 1 : -1;
    }
}
