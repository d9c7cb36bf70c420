package io.spillway.gslb.branch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A branch's periodic tick reports unless the previous tick reported less than half an interval ago
 * (catch-up ticks of a late timer); reports for changes and polls do not count (BranchReportingTest).
 */
class BranchTickTest {

    static final long MS = 1_000_000;

    @Test
    void aTickWithinHalfAnIntervalOfThePreviousTickIsSkipped() {
        assertThat(Branch.tickDue(1_000 * MS, 1_000 * MS, 1)).as("a catch-up tick in the same instant").isFalse();
        assertThat(Branch.tickDue(1_000 * MS + MS / 2, 1_000 * MS, 1)).as("half an interval later").isTrue();
        assertThat(Branch.tickDue(1_000 * MS + 400 * MS, 1_000 * MS, 1_000)).as("a late timer's next tick").isFalse();
        assertThat(Branch.tickDue(1_000 * MS + 600 * MS, 1_000 * MS, 1_000)).isTrue();
    }
}
