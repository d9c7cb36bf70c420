package io.spillway.config;

import io.spillway.core.model.LogFormat;
import io.spillway.core.model.LogLevel;
import io.spillway.core.model.LoggingConfig;

/** Reads {@code logging: {level, format, access: {path, maxSize, keep}}}. */
final class LoggingSection {

    /** Smaller files would rotate every few requests. */
    static final long MIN_MAX_SIZE = 4096;
    static final long MAX_MAX_SIZE = 1L << 40;
    static final int MAX_KEEP = 1000;

    private LoggingSection() {
    }

    static LoggingConfig read(Fields f) {
        if (f == null) {
            return LoggingConfig.DEFAULT;
        }
        LogLevel level = f.enumValue("level", null, LogLevel.class);
        LogFormat format = f.enumValue("format", LogFormat.TEXT, LogFormat.class);
        LoggingConfig.Access access = access(f.child("access"));
        f.finish();
        return new LoggingConfig(level, format, access);
    }

    private static LoggingConfig.Access access(Fields f) {
        if (f == null) {
            return null;
        }
        String path = f.requiredString("path");
        long maxSize = f.size("maxSize", LoggingConfig.Access.DEFAULT_MAX_SIZE, MIN_MAX_SIZE, MAX_MAX_SIZE);
        int keep = f.integer("keep", LoggingConfig.Access.DEFAULT_KEEP, 0, MAX_KEEP);
        f.finish();
        return path == null ? null : new LoggingConfig.Access(path, maxSize, keep);
    }
}
