package io.spillway.core.model;

/**
 * The {@code logging} section: the appliance's own log and the access log.
 *
 * @param level  the root level of the appliance's log; null: as the environment says
 *               ({@code SPILLWAY_LOG_LEVEL}, else {@code info})
 * @param format text (key=value lines) or json (one object per line)
 * @param access the access log, or null for none
 */
public record LoggingConfig(LogLevel level, LogFormat format, Access access) {

    /** No {@code logging} section: the level of the environment, text, no access log. */
    public static final LoggingConfig DEFAULT = new LoggingConfig(null, LogFormat.TEXT, null);

    public LoggingConfig {
        format = format == null ? LogFormat.TEXT : format;
    }

    /**
     * {@code logging.access}: one JSON object per line, per HTTP request and per TCP connection.
     *
     * @param path    the file written to (created with its missing parent directories)
     * @param maxSize bytes after which the file is rotated: renamed {@code path.1}, older ones shifted
     * @param keep    rotated files kept ({@code path.1} … {@code path.keep}); 0: the full file is
     *                truncated instead
     */
    public record Access(String path, long maxSize, int keep) {

        public static final long DEFAULT_MAX_SIZE = 100L * 1024 * 1024;
        public static final int DEFAULT_KEEP = 5;
    }
}
