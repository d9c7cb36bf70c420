package io.spillway.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Predicate;

/**
 * Captures what one class logs while a test runs (a Logback {@link ListAppender} on its logger),
 * optionally at a more verbose level; {@link #close()} puts the logger back as it was.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level previousLevel;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Class<?> source, Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(source);
        this.previousLevel = logger.getLevel();
        if (level != null) {
            logger.setLevel(level);
        }
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures at the configured level. */
    public static LogCapture of(Class<?> source) {
        return new LogCapture(source, null);
    }

    /** Captures with the logger set to {@code level}. */
    public static LogCapture of(Class<?> source, Level level) {
        return new LogCapture(source, level);
    }

    /** The formatted messages logged so far. */
    public List<String> messages() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    public long count(Predicate<String> message) {
        return messages().stream().filter(message).count();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
        logger.setLevel(previousLevel);
    }
}
