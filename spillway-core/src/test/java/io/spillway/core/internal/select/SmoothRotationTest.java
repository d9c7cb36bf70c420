package io.spillway.core.internal.select;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SmoothRotationTest {

    private static String turns(SmoothRotation r, int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int party = r.next();
            out.append(party < 0 ? '-' : (char) ('a' + party));
        }
        return out.toString();
    }

    @Test
    void weightsFiveOneOneGiveTheSmoothOrderNotABurst() {
        assertThat(turns(SmoothRotation.of(new int[] {5, 1, 1}), 14)).isEqualTo("aabacaaaabacaa");
        assertThat(turns(SmoothRotation.of(new int[] {10, 5}), 6)).isEqualTo("abaaba");
        assertThat(SmoothRotation.sequence(new int[] {3, 1})).containsExactly(0, 0, 1, 0);
    }

    @Test
    void aZeroOrNegativeWeightNeverTakesATurnAndNoWeightGivesNoTurn() {
        SmoothRotation r = SmoothRotation.of(new int[] {0, 2, -3, 1});
        assertThat(turns(r, 6)).isEqualTo("bdbbdb");
        assertThat(r.hasWeights(new int[] {0, 2, 0, 1})).isTrue();
        assertThat(r.hasWeights(new int[] {0, 2, 1, 1})).isFalse();
        assertThat(r.weights()).containsExactly(0, 2, 0, 1);
        assertThat(SmoothRotation.of(new int[] {0, 0}).next()).isEqualTo(-1);
        assertThat(SmoothRotation.of(new int[0]).length()).isZero();
    }

    @Test
    void hugeWeightSumsAreScaledDownKeepingEveryPartyInTheRotation() {
        SmoothRotation r = SmoothRotation.of(new int[] {Integer.MAX_VALUE, 1, Integer.MAX_VALUE});
        assertThat(r.length()).isBetween(SmoothRotation.MAX_SEQUENCE - 2, SmoothRotation.MAX_SEQUENCE + 1);
        int[] count = new int[3];
        for (int i = 0; i < r.length(); i++) {
            count[r.at(i)]++;
        }
        assertThat(count[1]).isEqualTo(1);
        assertThat(count[0]).isEqualTo(count[2]);
    }

    @Test
    void racingCallersTakeDistinctTurnsSoTheProportionIsExact() throws Exception {
        SmoothRotation r = SmoothRotation.of(new int[] {3, 2, 1});
        AtomicIntegerArray count = new AtomicIntegerArray(3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 60_000; i++) {
                        count.incrementAndGet(r.next());
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(count.get(0)).isEqualTo(120_000);
        assertThat(count.get(1)).isEqualTo(80_000);
        assertThat(count.get(2)).isEqualTo(40_000);
    }
}
