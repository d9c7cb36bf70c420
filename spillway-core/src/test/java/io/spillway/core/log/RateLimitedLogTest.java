package io.spillway.core.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedLogTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Logger logger = (Logger) LoggerFactory.getLogger("test.ratelimited." + System.nanoTime());
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    RateLimitedLogTest() {
        lines.start();
        logger.addAppender(lines);
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    private RateLimitedLog site(int burst) {
        return new RateLimitedLog(logger, "bad frames", burst, SECOND, clock::get);
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void writesTheBurstThenNothingUntilATokenComesBack() {
        RateLimitedLog log = site(10);
        for (int i = 0; i < 1000; i++) {
            log.warn("bad frame {} from {}", i, "127.0.0.1");
        }
        assertThat(messages()).hasSize(10).first().isEqualTo("bad frame 0 from 127.0.0.1");
        assertThat(log.suppressedTotal()).isEqualTo(990);
        clock.addAndGet(SECOND.toNanos() - 1);
        log.warn("bad frame {} from {}", 1000, "127.0.0.1");
        assertThat(lines.list).hasSize(10);
    }

    @Test
    void reportsHowManyLinesWereSuppressedWhenLoggingResumes() {
        RateLimitedLog log = site(3);
        for (int i = 0; i < 50; i++) {
            log.warn("bad frame {}", i);
        }
        clock.addAndGet(SECOND.toNanos());
        log.warn("bad frame {}", 50);
        assertThat(messages()).containsExactly("bad frame 0", "bad frame 1", "bad frame 2",
                "47 similar messages suppressed (bad frames)", "bad frame 50");
        assertThat(lines.list.get(3).getLevel()).isEqualTo(Level.WARN);
        // the count starts again from zero after being reported
        log.warn("bad frame {}", 51);
        clock.addAndGet(SECOND.toNanos());
        log.warn("bad frame {}", 52);
        assertThat(messages()).endsWith("1 similar messages suppressed (bad frames)", "bad frame 52");
    }

    @Test
    void aSustainedFloodIsHeldToOneLinePerIntervalAfterTheBurst() {
        RateLimitedLog log = site(10);
        // 100 bad inputs a second for 150 seconds
        for (int i = 0; i < 15_000; i++) {
            log.warn("bad frame {}", i);
            clock.addAndGet(SECOND.toNanos() / 100);
        }
        long written = messages().stream().filter(m -> m.startsWith("bad frame")).count();
        assertThat(written).isBetween(150L, 10L + 150L);
        assertThat(log.suppressedTotal()).isEqualTo(15_000 - written);
    }

    @Test
    void aLongQuietPeriodRefillsOnlyTheBurst() {
        RateLimitedLog log = site(5);
        log.warn("first");
        clock.addAndGet(Duration.ofHours(1).toNanos());
        for (int i = 0; i < 100; i++) {
            log.warn("again {}", i);
        }
        assertThat(lines.list).hasSize(1 + 5);
    }

    @Test
    void aDisabledLevelCostsNoTokenAndIsNotCountedAsSuppressed() {
        RateLimitedLog log = site(2);
        for (int i = 0; i < 100; i++) {
            log.debug("detail {}", i);
        }
        assertThat(lines.list).isEmpty();
        assertThat(log.suppressedTotal()).isZero();
        log.info("one");
        log.info("two");
        assertThat(messages()).containsExactly("one", "two");
    }

    @Test
    void aThrowableAsLastArgumentStaysTheLinesException() {
        RateLimitedLog log = site(1);
        log.warn("failed for {}", "client", new IllegalStateException("boom"));
        assertThat(messages()).containsExactly("failed for client");
        assertThat(lines.list.get(0).getThrowableProxy().getMessage()).isEqualTo("boom");
    }

    @Test
    void concurrentCallersNeverExceedTheBurst() throws Exception {
        RateLimitedLog log = site(7);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    log.warn("bad");
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(lines.list).hasSize(7);
        assertThat(log.suppressedTotal()).isEqualTo(4 * 500 - 7);
    }
}
