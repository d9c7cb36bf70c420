package io.spillway.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How many units a node asks for beyond its active count ({@link ShareBalancer#headroom}). */
class HeadroomTest {

    @Test
    void isFivePercentOfTheCapacityAtLeastOneWhileThereIsEnoughForEveryone() {
        assertThat(ShareBalancer.headroom(100, 2, 50)).isEqualTo(5);
        assertThat(ShareBalancer.headroom(10, 2, 3)).isEqualTo(1);
        assertThat(ShareBalancer.headroom(100, 0, 100)).as("alone: nobody else could use it").isEqualTo(5);
    }

    @Test
    void isSharedOutUnderContentionSoThatTheLightNodesTogetherKeepAtMostFivePercent() {
        // capacity 40, a busy node wanting all of it and another light one: 1 unit each, 2 in all
        assertThat(ShareBalancer.headroom(40, 2, 40 + 7 + 6)).isEqualTo(1);
        assertThat(ShareBalancer.headroom(1000, 4, 1200)).isEqualTo(12);
        assertThat(ShareBalancer.headroom(40, 1, 60)).as("one other node: all of the 5%").isEqualTo(2);
    }

    @Test
    void neverFallsBelowOneUnit() {
        assertThat(ShareBalancer.headroom(10, 9, 100)).isEqualTo(1);
    }
}
