package io.spillway.core.runtime;

import io.spillway.core.model.LbMethod;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Passive health (issue 11): a run of failed requests takes a service out of rotation for a while. */
class OutlierDetectionTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void fiveFailuresInARowEjectForTenSecondsAndTheNextEjectionsDouble() {
        OutlierDetector d = new OutlierDetector();
        long now = 1_000 * SECOND;
        for (int i = 1; i < OutlierDetector.CONSECUTIVE; i++) {
            assertThat(d.failed(now)).isZero();
        }
        assertThat(d.failed(now)).isEqualTo(10 * SECOND);
        assertThat(d.isEjected(now + 9 * SECOND)).isTrue();
        assertThat(d.isEjected(now + 10 * SECOND)).isFalse();
        long later = now + 11 * SECOND;
        for (int i = 1; i < OutlierDetector.CONSECUTIVE; i++) {
            d.failed(later);
        }
        assertThat(d.failed(later)).as("ejected again without a success between").isEqualTo(20 * SECOND);
        assertThat(d.ejections()).isEqualTo(2);
    }

    @Test
    void aResponseEndsTheRunAndTheDoubling() {
        OutlierDetector d = new OutlierDetector();
        for (int i = 0; i < OutlierDetector.CONSECUTIVE - 1; i++) {
            d.failed(0);
        }
        d.succeeded();
        assertThat(d.failed(0)).as("the run started again").isZero();
        for (int i = 0; i < OutlierDetector.CONSECUTIVE + 3; i++) {
            d.failed(SECOND);
        }
        d.succeeded();
        assertThat(d.isEjected(SECOND)).as("a response ends the ejection").isFalse();
        long ejection = 0;
        for (int i = 0; i < OutlierDetector.CONSECUTIVE; i++) {
            ejection = d.failed(2 * SECOND);
        }
        assertThat(ejection).isEqualTo(OutlierDetector.BASE);
    }

    @Test
    void ejectionsNeverGrowPastTheLongest() {
        OutlierDetector d = new OutlierDetector();
        long ejection = 0;
        for (int k = 0; k < 20; k++) {
            for (int i = 0; i < OutlierDetector.CONSECUTIVE; i++) {
                ejection = d.failed(0);
            }
        }
        assertThat(ejection).isEqualTo(OutlierDetector.MAX);
    }

    @Test
    void theLoadBalancerPassesAnEjectedServiceOverAndSpreadsItsShare() {
        List<Service> services = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            services.add(Fixtures.service(name, 100));
        }
        LoadBalancer lb = LoadBalancer.create(LbMethod.ROUNDROBIN, services);
        for (int i = 0; i < OutlierDetector.CONSECUTIVE; i++) {
            services.get(0).recordFailure(FailureReason.TIMEOUT);
        }
        assertThat(services.get(0).isEjected(System.nanoTime())).isTrue();
        assertThat(services.get(0).ejections()).isEqualTo(1);
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            Service s = lb.select(0);
            picks.merge(s.name(), 1, Integer::sum);
            s.release();
        }
        assertThat(picks).doesNotContainKey("a").containsEntry("b", 500).containsEntry("c", 500);
    }

    @Test
    void whenEveryCandidateIsEjectedTheyAreUsedAnyway() {
        Service only = Fixtures.service("only", 10);
        LoadBalancer lb = LoadBalancer.create(LbMethod.ROUNDROBIN, List.of(only));
        for (int i = 0; i < OutlierDetector.CONSECUTIVE; i++) {
            only.recordFailure(FailureReason.RESET);
        }
        assertThat(only.isEjected(System.nanoTime())).isTrue();
        Service picked = lb.select(0);
        assertThat(picked).isSameAs(only);
        picked.release();
    }

    @Test
    void listenersHearOfTheEjection() {
        Service s = Fixtures.service("s", 10);
        List<String> heard = new ArrayList<>();
        s.addListener(new ServiceListener() {
            @Override
            public void onStateChange(Service service, ServiceState previous, ServiceState current, String reason) {
            }

            @Override
            public void onEjection(Service service, String reason) {
                heard.add(reason);
            }
        });
        for (int i = 0; i < OutlierDetector.CONSECUTIVE; i++) {
            s.recordFailure(FailureReason.CONNECT);
        }
        s.recordFailure(FailureReason.BAD_RESPONSE); // not a passive-health failure
        assertThat(heard).singleElement().asString().contains("5 requests failed in a row").contains("10 s");
    }
}
