package io.spillway.core.health;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** M4 as a property: over random weights, thresholds and flips, the verdict is always the sum rule. */
class WeightedHealthPropertiesTest {

    @Test
    void verdictIsAlwaysTheSumOfUpWeightsAgainstTheThreshold() {
        Random random = new Random(20261122);
        for (int trial = 0; trial < 300; trial++) {
            int[] w = new int[1 + random.nextInt(8)];
            for (int i = 0; i < w.length; i++) {
                w[i] = random.nextInt(51);
            }
            int threshold = random.nextInt(401);
            WeightedHealth health = new WeightedHealth(w, threshold);
            boolean[] up = new boolean[w.length];
            Arrays.fill(up, true);
            int flips = random.nextInt(61);
            for (int f = 0; f < flips; f++) {
                int flip = random.nextInt(16);
                int index = flip % w.length;
                boolean state = flip < 8;
                up[index] = state;
                WeightedHealth.Verdict v = health.set(index, state);
                int sum = 0;
                for (int i = 0; i < w.length; i++) {
                    sum += up[i] ? w[i] : 0;
                }
                assertThat(v.upWeight()).as("trial %d", trial).isEqualTo(sum);
                assertThat(v.up()).as("trial %d", trial).isEqualTo(sum >= threshold);
            }
        }
    }
}
