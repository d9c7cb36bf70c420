package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import io.spillway.gslb.GslbNode;
import io.spillway.testing.LogCapture;
import io.spillway.gslb.hierarchy.Hierarchy;
import io.spillway.core.log.RateLimitedLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, "unauthenticated peers flood the log": a burst of garbage on the exchange port
 * logs a bounded number of lines, and what was held back is counted and reported.
 */
class ExchangeLogFloodTest {

    private static final String CLOSING = "closing unauthenticated exchange connection";
    private static final Pattern SUPPRESSED =
            Pattern.compile("(\\d+) similar messages suppressed \\(unauthenticated exchange connections closed\\)");

    @RegisterExtension
    static final Hierarchy h = new Hierarchy(Duration.ofMillis(50), Duration.ofSeconds(1));
    static GslbNode aggregator;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        aggregator = h.aggregator("agg", null, List.of());
        port = aggregator.exchangeAddress().getPort();
    }

    /** One connection that sends a frame of garbage and is closed with an error frame. */
    private static void badConnection(int i) throws Exception {
        try (RawPeer p = new RawPeer(port)) {
            p.sendJson(i % 2 == 0 ? "{this is not json " + i : "{\"v\":1,\"type\":\"report\",\"site\":\"x" + i + "\"}");
            JsonNode last = p.readUntilClosed();
            assertThat(last).isNotNull();
            assertThat(last.path("type").asText()).isEqualTo("error");
        }
    }

    @Test
    void aBurstOfGarbageLogsABoundedNumberOfLinesAndReportsWhatItHeldBack() throws Exception {
        try (LogCapture log = LogCapture.of(ExchangeSession.class)) {
            int flood = 400;
            long started = System.nanoTime();
            for (int i = 0; i < flood; i++) {
                badConnection(i);
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            long written = log.count(m -> m.startsWith(CLOSING));
            // the burst, then one line a second at most; each written line may be preceded by a report
            long bound = RateLimitedLog.DEFAULT_BURST + seconds + 1;
            assertThat(written).as("lines for %d bad connections in %d s", flood, seconds).isLessThanOrEqualTo(bound);
            assertThat(log.messages()).as("every line of this class").hasSizeLessThanOrEqualTo((int) (2 * bound));

            // logging resumes once a token is back: the count of what was held back comes first, and
            // every bad connection of this test ends up either logged or counted in a report (on a
            // slow machine the first report may come before the last of the burst was handled, so
            // the test sends one more bad connection per poll until the accounts close)
            AtomicInteger more = new AtomicInteger();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                badConnection(flood + more.getAndIncrement());
                List<String> now = log.messages();
                long reported = 0;
                for (String m : now) {
                    Matcher matcher = SUPPRESSED.matcher(m);
                    if (matcher.matches()) {
                        reported += Long.parseLong(matcher.group(1));
                    }
                }
                long logged = now.stream().filter(m -> m.startsWith(CLOSING)).count();
                // the connection sent in this poll may still be on its way: it is not required yet
                return reported > 0 && reported + logged >= flood + more.get() - 1;
            });
            List<String> lines = log.messages();
            int report = indexOfFirstReport(lines);
            assertThat(lines.get(report + 1)).as("the report precedes the line that resumes").startsWith(CLOSING);
            assertThat(lines).filteredOn(m -> m.startsWith(CLOSING))
                    .allSatisfy(m -> assertThat(m).contains("127.0.0.1").containsAnyOf("bad-frame", "unexpected"));
        }
        // the listener still serves an honest branch
        try (RawPeer p = new RawPeer(port)) {
            assertThat(ExchangeBadInputTest.handshake(p, "after-flood", Hierarchy.SECRET).path("type").asText())
                    .isEqualTo("auth");
        }
    }

    private static int indexOfFirstReport(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (SUPPRESSED.matcher(lines.get(i)).matches()) {
                return i;
            }
        }
        throw new AssertionError("no report in " + lines);
    }
}
