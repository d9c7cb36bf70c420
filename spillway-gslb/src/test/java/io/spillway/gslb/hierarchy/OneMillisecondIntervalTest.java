package io.spillway.gslb.hierarchy;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.gslb.GslbNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G1 allows an interval of 1 ms: a branch reporting every millisecond to a real aggregator over
 * the exchange keeps it fed with fresh reports (hundreds a second), each covering an interval of
 * about a millisecond, passes a change on, and its interval figures follow the vServer's traffic.
 */
class OneMillisecondIntervalTest {

    @RegisterExtension
    final Hierarchy h = new Hierarchy(Duration.ofMillis(1), Duration.ofSeconds(3));
    GslbNode agg;
    Hierarchy.BranchUnderTest branch;

    @BeforeEach
    void start() throws Exception {
        agg = h.aggregator("agg", null, List.of());
        branch = h.branch("fast", Hierarchy.addressOf(agg));
        await().atMost(Duration.ofSeconds(10)).until(() -> agg.table().site("fast").isPresent());
    }

    private SiteEntry entry() {
        return agg.table().site("fast").orElseThrow();
    }

    private DomainReport domain() {
        return entry().report().domain(Hierarchy.DOMAIN).orElseThrow();
    }

    @Test
    void reportsEveryMillisecondAndTheirFiguresFollowTheTraffic() throws Exception {
        long first = entry().report().sequence();
        await().atMost(Duration.ofSeconds(10)).until(() -> entry().report().sequence() >= first + 200);
        assertThat(agg.table().isAvailable("fast")).isTrue();

        branch.graph().service("fast-web").setCapacity(25);
        await().atMost(Duration.ofSeconds(10)).until(() -> domain().capacity() == 25);

        VirtualServer shop = branch.graph().vserver("shop");
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = new Thread(() -> {
            while (running.get()) {
                shop.recordRequest(200);
                shop.addBytes(100, 1_000);
                LockSupport.parkNanos(50_000);
            }
        }, "one-ms-traffic");
        traffic.setDaemon(true);
        traffic.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                DomainReport d = domain();
                return d.load().intervalMillis() > 0 && d.load().intervalMillis() <= 50 && d.load().requests() > 0
                        && d.load().bandwidthOutBytesPerSecond() > 0;
            });
        } finally {
            running.set(false);
            traffic.join(5_000);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> domain().load().intervalMillis() > 0
                && domain().load().requests() == 0);
    }
}
