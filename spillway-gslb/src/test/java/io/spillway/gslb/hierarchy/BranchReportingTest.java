package io.spillway.gslb.hierarchy;

import io.spillway.core.gslb.SiteTable;
import io.spillway.gslb.GslbNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G1, G2: a branch whose report interval is far longer than the test still reports at once when
 * a service changes, and when its aggregator polls it; those reports do not hold its periodic ones back.
 */
class BranchReportingTest {

    static final Duration LONG = Duration.ofSeconds(60);

    @RegisterExtension
    final Hierarchy h = new Hierarchy(Duration.ofMillis(50), Duration.ofMinutes(5));
    GslbNode agg;
    Hierarchy.BranchUnderTest branch;

    @BeforeEach
    void start() throws Exception {
        agg = h.aggregator("agg", null, List.of());
        branch = h.branch("slow", Hierarchy.addressOf(agg), Hierarchy.SECRET, LONG);
        await().atMost(Duration.ofSeconds(10)).until(() -> agg.table().site("slow").isPresent());
    }

    long sequence() {
        return agg.table().site("slow").orElseThrow().report().sequence();
    }

    @Test
    void serviceGoingDownIsReportedAtOnceNotAtTheNextInterval() {
        long before = sequence();
        branch.graph().service("slow-web").disable();
        await().atMost(Duration.ofSeconds(10)).until(() -> sequence() > before);
        assertThat(agg.table().candidates(Hierarchy.DOMAIN)).isEmpty();
        assertThat(agg.table().site("slow").orElseThrow().report().domain(Hierarchy.DOMAIN).orElseThrow()
                .availableServices()).isZero();
    }

    @Test
    void capacityChangeIsReportedAtOnce() {
        branch.graph().service("slow-web").setCapacity(25);
        await().atMost(Duration.ofSeconds(10)).until(() -> agg.table().site("slow").orElseThrow().report()
                .domain(Hierarchy.DOMAIN).orElseThrow().capacity() == 25);
    }

    @Test
    void aggregatorPollMakesTheBranchReportNow() {
        long before = sequence();
        assertThat(agg.aggregator().poll("slow")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> sequence() == before + 1);
        assertThat(agg.aggregator().poll("nobody")).isFalse();
    }

    @Test
    void periodicReportsGoOnWhenPollsComeMoreOftenThanHalfAnInterval() throws Exception {
        Hierarchy.BranchUnderTest steady = h.branch("steady", Hierarchy.addressOf(agg), Hierarchy.SECRET,
                Duration.ofMillis(600));
        await().atMost(Duration.ofSeconds(10)).until(() -> agg.table().site("steady").isPresent());
        long before = agg.table().site("steady").orElseThrow().report().sequence();
        AtomicInteger polls = new AtomicInteger();
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        try {
            poller.scheduleAtFixedRate(() -> {
                if (agg.aggregator().poll("steady")) {
                    polls.incrementAndGet();
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            // every report but the ticks' answers a poll: more reports than polls means ticks went out
            // although each came within 100 ms of a polled report
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    agg.table().site("steady").orElseThrow().report().sequence() - before > polls.get());
        } finally {
            poller.shutdownNow();
        }
        assertThat(steady.node().branch().connected()).isTrue();
    }

    @Test
    void reportsCarryTheBranchEpochAndIncreasingSequence() {
        long epoch = branch.node().branch().epoch();
        assertThat(agg.table().site("slow").orElseThrow().report().epoch()).isEqualTo(epoch);
        agg.aggregator().pollAll();
        agg.aggregator().pollAll();
        await().atMost(Duration.ofSeconds(10)).until(() -> sequence() >= 3);
        SiteTable t = agg.table();
        assertThat(t.isAvailable("slow")).isTrue();
    }
}
