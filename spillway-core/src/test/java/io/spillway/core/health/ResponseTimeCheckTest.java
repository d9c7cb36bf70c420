package io.spillway.core.health;

import io.spillway.core.model.MonitorConfig.ResponseTimeRules;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ResponseTimeCheckTest {

    private static final long MS = 1_000_000L;

    @Test
    void windowKeepsMeanAndDeviationOfTheLastSamples() {
        ResponseTimeWindow w = new ResponseTimeWindow(4);
        for (long v : new long[]{100, 2, 4, 4, 6}) {
            w.add(v);
        }
        assertThat(w.count()).isEqualTo(4);
        assertThat(w.mean()).isEqualTo(4.0);
        assertThat(w.standardDeviation()).isCloseTo(Math.sqrt(2), within(1e-9));
    }

    @Test
    void absoluteMaxBreaksAtOnce() {
        ResponseTimeCheck check = new ResponseTimeCheck(new ResponseTimeRules(Duration.ofMillis(100), null, null, 10));
        assertThat(check.check(99 * MS)).isNull();
        assertThat(check.check(101 * MS)).startsWith("responseTime.max: 101.000ms > 100.000ms");
    }

    @Test
    void overAverageBreaksWhenAboveFactorTimesTheRollingAverage() {
        ResponseTimeCheck check = new ResponseTimeCheck(new ResponseTimeRules(null, 3.0, null, 10));
        for (int i = 0; i < 5; i++) {
            assertThat(check.check(10 * MS)).isNull();
        }
        assertThat(check.check(29 * MS)).isNull();
        assertThat(check.check(40 * MS)).startsWith("responseTime.overAverage");
    }

    @Test
    void deviationsBreaksWhenFarAboveTheSpread() {
        ResponseTimeCheck check = new ResponseTimeCheck(new ResponseTimeRules(null, null, 2.0, 10));
        for (long v : new long[]{8, 12, 8, 12, 8, 12}) {
            assertThat(check.check(v * MS)).isNull();
        }
        // mean 10ms, stddev 2ms: the limit is 14ms
        assertThat(check.check(13 * MS)).isNull();
        assertThat(check.check(20 * MS)).startsWith("responseTime.deviations");
    }

    @Test
    void relativeRulesWaitForEnoughSamples() {
        ResponseTimeCheck check = new ResponseTimeCheck(new ResponseTimeRules(null, 2.0, 1.0, 50));
        check.check(MS);
        assertThat(check.check(100 * MS)).isNull();
    }

    @Test
    void noRulesPassEverything() {
        ResponseTimeCheck check = new ResponseTimeCheck(null);
        assertThat(check.check(Long.MAX_VALUE / 2)).isNull();
    }
}
