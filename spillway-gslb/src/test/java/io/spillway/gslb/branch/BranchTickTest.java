package io.spillway.gslb.branch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A branch's periodic tick reports unless the previous report went less than half an interval ago. */
class BranchTickTest {

    static final long MS = 1_000_000;

    @Test
    void aTickWithinHalfAnIntervalOfThePreviousReportIsSkipped() {
        assertThat(Branch.tickDue(1_000 * MS, 1_000 * MS, 1)).as("a catch-up tick in the same instant").isFalse();
        assertThat(Branch.tickDue(1_000 * MS + MS / 2, 1_000 * MS, 1)).as("half an interval later").isTrue();
        assertThat(Branch.tickDue(1_000 * MS + 400 * MS, 1_000 * MS, 1_000)).as("right after a change report").isFalse();
        assertThat(Branch.tickDue(1_000 * MS + 600 * MS, 1_000 * MS, 1_000)).isTrue();
    }
}
