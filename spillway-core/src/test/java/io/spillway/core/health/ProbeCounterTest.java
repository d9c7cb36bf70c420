package io.spillway.core.health;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeCounterTest {

    @Test
    void startsUpAndGoesDownOnlyAfterConsecutiveFailures() {
        ProbeCounter counter = new ProbeCounter(3, 2);
        assertThat(counter.isUp()).isTrue();
        assertThat(counter.record(false)).isFalse();
        assertThat(counter.record(false)).isFalse();
        assertThat(counter.record(true)).isFalse();
        assertThat(counter.record(false)).isFalse();
        assertThat(counter.record(false)).isFalse();
        assertThat(counter.record(false)).isTrue();
        assertThat(counter.isUp()).isFalse();
    }

    @Test
    void comesBackUpAfterConsecutiveSuccesses() {
        ProbeCounter counter = new ProbeCounter(1, 2);
        assertThat(counter.record(false)).isTrue();
        assertThat(counter.record(true)).isFalse();
        assertThat(counter.record(false)).isFalse();
        assertThat(counter.record(true)).isFalse();
        assertThat(counter.record(true)).isTrue();
        assertThat(counter.isUp()).isTrue();
    }

    @Test
    void countsBelowOneMeanOne() {
        ProbeCounter counter = new ProbeCounter(0, 0);
        assertThat(counter.record(false)).isTrue();
        assertThat(counter.record(true)).isTrue();
    }
}
