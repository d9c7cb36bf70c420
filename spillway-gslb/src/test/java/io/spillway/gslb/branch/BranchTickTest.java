package io.spillway.gslb.branch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A branch's periodic report is due one interval after its previous report, whatever sent that one. */
class BranchTickTest {

    static final long MS = 1_000_000;

    @Test
    void thePeriodicReportIsDueOneIntervalAfterThePreviousReport() {
        assertThat(Branch.nextTickNanos(2_000 * MS, 1_000 * MS, 1_000)).as("one interval after").isZero();
        assertThat(Branch.nextTickNanos(2_500 * MS, 1_000 * MS, 1_000)).as("a late timer").isZero();
        assertThat(Branch.nextTickNanos(1_960 * MS, 1_000 * MS, 1_000)).as("a hair early").isZero();
    }

    @Test
    void aReportSentSinceTheTimerWasArmedPostponesThePeriodicOne() {
        assertThat(Branch.nextTickNanos(2_000 * MS, 1_600 * MS, 1_000))
                .as("a change report 400 ms ago: due 600 ms from now").isEqualTo(600 * MS);
        assertThat(Branch.nextTickNanos(1_000 * MS, 1_000 * MS, 1))
                .as("at 1 ms, a report this instant: the next in one interval, no catch-up burst").isEqualTo(MS);
    }
}
