package io.spillway.core.health;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WeightedHealthTest {

    @Test
    void fiveMonitorsOfWeightThirtyWithThreeUpSumToNinety() {
        WeightedHealth health = new WeightedHealth(new int[]{30, 30, 30, 30, 30}, 90);
        health.set(3, false);
        WeightedHealth.Verdict verdict = health.set(4, false);
        assertThat(verdict.upWeight()).isEqualTo(90);
        assertThat(verdict.up()).isTrue();
        assertThat(health.set(2, false).up()).isFalse();
    }

    @Test
    void fourMonitorsOfWeightTenWithThresholdTwentyGoDownWhenMoreThanHalfFail() {
        WeightedHealth health = new WeightedHealth(new int[]{10, 10, 10, 10}, 20);
        assertThat(health.set(0, false).up()).isTrue();
        assertThat(health.set(1, false).up()).as("half failed: 20 >= 20").isTrue();
        WeightedHealth.Verdict down = health.set(2, false);
        assertThat(down.up()).isFalse();
        assertThat(down.describe()).isEqualTo("up weight 10 < threshold 20");
        assertThat(health.set(0, true).up()).isTrue();
    }

    @Test
    void defaultThresholdRequiresEveryMonitor() {
        WeightedHealth health = new WeightedHealth(new int[]{1, 2}, null);
        assertThat(health.threshold()).isEqualTo(3);
        assertThat(health.verdict().up()).isTrue();
        assertThat(health.set(0, false).up()).isFalse();
    }

    @Test
    void serviceWithoutMonitorsIsAlwaysUp() {
        assertThat(new WeightedHealth(new int[0], null).verdict().up()).isTrue();
    }

    @Test
    void repeatedReportsOfTheSameStateDoNotCountTwice() {
        WeightedHealth health = new WeightedHealth(new int[]{10, 10}, 10);
        health.set(0, false);
        health.set(0, false);
        assertThat(health.verdict().upWeight()).isEqualTo(10);
    }
}
