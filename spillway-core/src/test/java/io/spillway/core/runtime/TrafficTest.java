package io.spillway.core.runtime;

import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static io.spillway.core.runtime.Fixtures.dynamic;
import static io.spillway.core.runtime.Fixtures.service;
import static io.spillway.core.runtime.Fixtures.vs;
import static io.spillway.core.runtime.Fixtures.vserver;
import static org.assertj.core.api.Assertions.assertThat;

/** The traffic counters the proxy feeds: requests by status class, bytes, failures, state changes. */
class TrafficTest {

    @Test
    void vserverCountsRequestsByStatusClassAndBytesEachWay() {
        VirtualServer shop = vs("shop", dynamic(null, WhenFull.DROP), null, service("web", 5));

        for (int status : new int[] {101, 200, 204, 200, 301, 404, 429, 502, 599}) {
            shop.recordRequest(status);
        }
        shop.addBytes(120, 4_000);
        shop.addBytes(80, 1_000);

        Traffic t = shop.traffic();
        assertThat(t.requests(StatusClass.INFORMATIONAL)).isEqualTo(1);
        assertThat(t.requests(StatusClass.SUCCESSFUL)).isEqualTo(3);
        assertThat(t.requests(StatusClass.REDIRECTION)).isEqualTo(1);
        assertThat(t.requests(StatusClass.CLIENT_ERROR)).isEqualTo(2);
        assertThat(t.requests(StatusClass.SERVER_ERROR)).isEqualTo(2);
        assertThat(t.requests()).isEqualTo(9);
        assertThat(t.bytesIn()).isEqualTo(200);
        assertThat(t.bytesOut()).isEqualTo(5_000);
    }

    @Test
    void codesOutsideHttpAndNegativeBytesAreNotCounted() {
        VirtualServer shop = vs("shop", dynamic(null, WhenFull.DROP), null, service("web", 5));

        shop.recordRequest(0);
        shop.recordRequest(99);
        shop.recordRequest(600);
        shop.addBytes(-5, -7);

        assertThat(shop.traffic().requests()).isZero();
        assertThat(shop.traffic().bytesIn()).isZero();
        assertThat(shop.traffic().bytesOut()).isZero();
        assertThat(StatusClass.of(600)).isNull();
        assertThat(StatusClass.of(503)).isEqualTo(StatusClass.SERVER_ERROR);
        assertThat(StatusClass.SERVER_ERROR.label()).isEqualTo("5xx");
    }

    @Test
    void serviceCountsResponsesAndFailuresByReason() {
        Service web = service("web", 5);

        web.recordResponse(200);
        web.recordResponse(503);
        web.recordFailure(FailureReason.CONNECT);
        web.recordFailure(FailureReason.CONNECT);
        web.recordFailure(FailureReason.BAD_RESPONSE);

        assertThat(web.traffic().requests(StatusClass.SUCCESSFUL)).isEqualTo(1);
        assertThat(web.traffic().requests(StatusClass.SERVER_ERROR)).isEqualTo(1);
        assertThat(web.traffic().failures(FailureReason.CONNECT)).isEqualTo(2);
        assertThat(web.traffic().failures(FailureReason.BAD_RESPONSE)).isEqualTo(1);
        assertThat(web.traffic().failures(FailureReason.TIMEOUT)).isZero();
        assertThat(web.traffic().failures()).isEqualTo(3);
        assertThat(FailureReason.BAD_RESPONSE.label()).isEqualTo("bad-response");
    }

    @Test
    void everyStateChangeListenersHearOfIsCountedAndNoOtherCall() {
        Service web = service("web", 5);

        web.setHealth(true, "still up");          // no change
        web.setHealth(false, "monitor failed");   // UP -> DOWN
        web.disable();                             // DOWN -> DISABLED
        web.setHealth(true, "monitor passed");    // still DISABLED: no change heard
        web.enable();                              // DISABLED -> UP
        web.setCapacity(9);                        // a capacity change is no state change

        assertThat(web.traffic().stateChanges()).isEqualTo(3);
    }

    @Test
    void countersGoOnAcrossAReloadThatRebuildsTheObjects() {
        RuntimeGraph before = RuntimeGraph.build(config(5));
        before.vserver("shop").recordRequest(200);
        before.vserver("shop").addBytes(10, 20);
        before.service("web").recordResponse(200);
        before.service("web").recordFailure(FailureReason.TIMEOUT);
        before.service("web").disable();

        RuntimeGraph after = RuntimeGraph.build(config(3), before);

        assertThat(after.vserver("shop")).isNotSameAs(before.vserver("shop"));
        assertThat(after.service("web")).isNotSameAs(before.service("web"));
        assertThat(after.vserver("shop").traffic().requests(StatusClass.SUCCESSFUL)).isEqualTo(1);
        assertThat(after.vserver("shop").traffic().bytesOut()).isEqualTo(20);
        assertThat(after.service("web").traffic().failures(FailureReason.TIMEOUT)).isEqualTo(1);
        assertThat(after.service("web").traffic().stateChanges()).isEqualTo(1);

        after.service("web").recordResponse(204);
        assertThat(after.service("web").traffic().requests(StatusClass.SUCCESSFUL)).isEqualTo(2);
    }

    @Test
    void eventLoopsCountingAtOnceLoseNothing() throws Exception {
        VirtualServer shop = vs("shop", dynamic(null, WhenFull.DROP), null, service("web", 5));
        int threads = 4;
        int each = 50_000;
        atOnce(threads, () -> {
            for (int n = 0; n < each; n++) {
                shop.recordRequest(200);
                shop.addBytes(1, 2);
            }
        });
        assertThat(shop.traffic().requests(StatusClass.SUCCESSFUL)).isEqualTo((long) threads * each);
        assertThat(shop.traffic().bytesIn()).isEqualTo((long) threads * each);
        assertThat(shop.traffic().bytesOut()).isEqualTo(2L * threads * each);
    }

    @Test
    void maxSessionsIsTheMostConnectionsEverHeldAtOnce() {
        Service web = service("web", 5);
        VirtualServer shop = vs("shop", dynamic(null, WhenFull.ACCEPT), null, web);

        assertThat(web.tryAcquire()).isTrue();
        assertThat(web.tryAcquire()).isTrue();
        assertThat(web.tryAcquire()).isTrue();
        web.release();
        web.release();
        assertThat(web.tryAcquire()).isTrue();
        assertThat(web.activeConnections()).isEqualTo(2);
        assertThat(web.maxActiveConnections()).isEqualTo(3);
        assertThat(web.admitted()).isEqualTo(4);

        for (int i = 0; i < 4; i++) {
            shop.acquireForced(); // forced admissions raise the mark too
        }
        assertThat(shop.maxActiveConnections()).isEqualTo(4);
    }

    @Test
    void maxSessionsMissesNoPeakWhenEventLoopsAdmitAtOnce() throws Exception {
        Service web = service("web", 0); // unlimited: every admission succeeds
        int threads = 4;
        int each = 10_000;
        atOnce(threads, () -> {
            for (int n = 0; n < each; n++) {
                web.tryAcquire();
            }
        });
        assertThat(web.activeConnections()).isEqualTo(threads * each);
        assertThat(web.maxActiveConnections()).isEqualTo(threads * each);
    }

    @Test
    void theLastStateChangeIsTimedAndNoOtherCallMovesIt() {
        Service web = service("web", 5);
        assertThat(web.traffic().lastStateChangeMillis()).isZero();

        long before = System.currentTimeMillis();
        web.disable();
        long after = System.currentTimeMillis();
        long changed = web.traffic().lastStateChangeMillis();
        assertThat(changed).isBetween(before, after);

        web.setHealth(false, "monitor failed"); // still DISABLED: no change heard
        web.setCapacity(9);
        assertThat(web.traffic().lastStateChangeMillis()).isEqualTo(changed);
    }

    @Test
    void maxSessionsAndTheLastStateChangeGoOnAcrossAReload() {
        RuntimeGraph before = RuntimeGraph.build(config(5));
        Service web = before.service("web");
        web.tryAcquire();
        web.tryAcquire();
        web.release();
        web.disable();

        RuntimeGraph after = RuntimeGraph.build(config(3), before);

        assertThat(after.service("web")).isNotSameAs(web);
        assertThat(after.service("web").maxActiveConnections()).isEqualTo(2);
        assertThat(after.service("web").traffic().lastStateChangeMillis())
                .isEqualTo(web.traffic().lastStateChangeMillis()).isPositive();
    }

    /** Runs {@code work} on {@code threads} threads released at the same moment, and waits for them all. */
    private static void atOnce(int threads, Runnable work) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                work.run();
            });
            t.start();
            running.add(t);
        }
        start.countDown();
        for (Thread t : running) {
            t.join();
        }
    }

    private static SpillwayConfig config(int capacity) {
        ServiceConfig web = service("web", capacity).config();
        VServerConfig shop = vserver("shop", LbMethod.ROUNDROBIN, dynamic(null, WhenFull.DROP), "web");
        return new SpillwayConfig(null, List.of(), List.of(web), List.of(shop), null);
    }
}
