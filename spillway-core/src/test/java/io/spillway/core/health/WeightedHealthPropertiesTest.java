package io.spillway.core.health;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WeightedHealthPropertiesTest {

    @Property(tries = 300)
    void verdictIsAlwaysTheSumOfUpWeightsAgainstTheThreshold(
            @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 0, max = 50) Integer> weights,
            @ForAll @IntRange(min = 0, max = 400) int threshold,
            @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 15) Integer> flips) {
        int[] w = weights.stream().mapToInt(Integer::intValue).toArray();
        WeightedHealth health = new WeightedHealth(w, threshold);
        boolean[] up = new boolean[w.length];
        java.util.Arrays.fill(up, true);
        for (int flip : flips) {
            int index = flip % w.length;
            boolean state = flip < 8;
            up[index] = state;
            WeightedHealth.Verdict v = health.set(index, state);
            int sum = 0;
            for (int i = 0; i < w.length; i++) {
                sum += up[i] ? w[i] : 0;
            }
            assertThat(v.upWeight()).isEqualTo(sum);
            assertThat(v.up()).isEqualTo(sum >= threshold);
        }
    }
}
