package io.spillway.etcd;

import io.spillway.testing.CuttableRelay;
import io.spillway.testing.EtcdExtension;
import io.spillway.testing.EtcdServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The lease election against a real etcd: one leader among candidates, a clean leave hands over
 * at once, a crash after the lease, a leader cut off from etcd stops acting before anyone else
 * may start, and a deposed leader's fenced writes fail.
 */
class LeaseElectionTest {

    private static final Duration ROUND = Duration.ofMillis(200);
    private static final Duration TIMEOUT = EtcdClient.timeoutFor(ROUND);
    @RegisterExtension
    static final EtcdExtension etcd = new EtcdExtension();

    private final List<AutoCloseable> opened = new ArrayList<>();
    private String key;

    @BeforeEach
    void name(TestInfo info) {
        key = "/test/election/" + info.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    /** A candidate that records whether it acts, and checks that no two ever act at once. */
    private static final class Recorder implements LeaseElection.Candidate {
        static final AtomicInteger acting = new AtomicInteger();
        static final AtomicInteger mostAtOnce = new AtomicInteger();
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile boolean leading;

        @Override
        public void elected() {
            mostAtOnce.accumulateAndGet(acting.incrementAndGet(), Math::max);
            leading = true;
            events.add("elected");
        }

        @Override
        public void deposed(String reason) {
            if (leading) {
                acting.decrementAndGet();
            }
            leading = false;
            events.add("deposed: " + reason);
        }
    }

    private LeaseElection candidate(String identity, Recorder r, URI url) throws IOException {
        LeaseElection e = new LeaseElection(new EtcdClient(List.of(url), TIMEOUT), key, identity, ROUND, TIMEOUT, r);
        opened.add(e);
        e.start();
        return e;
    }

    @BeforeEach
    void resetCounts() {
        Recorder.acting.set(0);
        Recorder.mostAtOnce.set(0);
    }

    @Test
    void ofThreeCandidatesExactlyOneLeadsAndAllAgreeWhichOne() throws Exception {
        Recorder[] r = {new Recorder(), new Recorder(), new Recorder()};
        LeaseElection[] e = new LeaseElection[3];
        for (int i = 0; i < 3; i++) {
            e[i] = candidate("c" + i, r[i], etcd.url());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> e[0].leader() != null
                && e[0].leader().equals(e[1].leader()) && e[1].leader().equals(e[2].leader()));
        long leaders = List.of(e).stream().filter(x -> x.state() == LeaseElection.State.LEADER).count();
        assertThat(leaders).isEqualTo(1);
        assertThat(Recorder.mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void aLeaderThatLeavesHandsOverWithinARound() throws Exception {
        Recorder ra = new Recorder();
        LeaseElection a = candidate("a", ra, etcd.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.state() == LeaseElection.State.LEADER);
        Recorder rb = new Recorder();
        LeaseElection b = candidate("b", rb, etcd.url());
        await().during(ROUND.multipliedBy(3)).atMost(Duration.ofSeconds(5))
                .until(() -> b.state() == LeaseElection.State.STANDBY && "a".equals(b.leader()));

        ra.deposed("closing"); // the candidate stops acting by itself before it leaves
        a.close();
        long left = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.state() == LeaseElection.State.LEADER);
        assertThat(Duration.ofNanos(System.nanoTime() - left)).as("the lease was revoked, not left to expire")
                .isLessThan(Duration.ofSeconds(a.leaseTtl().toSeconds()));
        assertThat(Recorder.mostAtOnce.get()).isEqualTo(1);
    }

    @Test
    void aCrashedLeadersRoleIsTakenOnlyAfterItsLease() throws Exception {
        Recorder ra = new Recorder();
        LeaseElection a = candidate("a", ra, etcd.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.state() == LeaseElection.State.LEADER);
        LeaseElection b = candidate("b", new Recorder(), etcd.url());

        a.halt(); // no revoke: etcd deletes the key when the lease expires
        long crashed = System.nanoTime();
        await().atMost(a.leaseTtl().plusSeconds(10)).until(() -> b.state() == LeaseElection.State.LEADER);
        assertThat(Duration.ofNanos(System.nanoTime() - crashed)).as("a renewed at most a round before its crash")
                .isGreaterThanOrEqualTo(a.leaseTtl().minus(ROUND.multipliedBy(2)));
    }

    @Test
    void aLeaderCutOffFromEtcdStopsActingBeforeAnotherCanStart() throws Exception {
        try (CuttableRelay relay = new CuttableRelay(etcd.port())) {
            Recorder ra = new Recorder();
            LeaseElection a = candidate("a", ra, relay.url());
            await().atMost(Duration.ofSeconds(10)).until(() -> a.state() == LeaseElection.State.LEADER);
            Recorder rb = new Recorder();
            LeaseElection b = candidate("b", rb, etcd.url());

            relay.cut();
            await().atMost(a.leaseTtl().plusSeconds(10)).until(() -> b.state() == LeaseElection.State.LEADER);
            assertThat(ra.events).last().asString().startsWith("deposed: etcd unreachable");
            assertThat(Recorder.mostAtOnce.get()).as("never two leaders acting at once").isEqualTo(1);
        }
    }

    @Test
    void aDeposedLeadersFencedWritesFail() throws Exception {
        LeaseElection a = candidate("a", new Recorder(), etcd.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> a.state() == LeaseElection.State.LEADER);
        EtcdClient client = new EtcdClient(List.of(etcd.url()), TIMEOUT);
        assertThat(client.writeWhile(key, "a", Map.of(key + "/state", "1"), List.of())).isTrue();

        a.halt();
        client.delete(key); // as when a's lease expired
        LeaseElection b = candidate("b", new Recorder(), etcd.url());
        await().atMost(Duration.ofSeconds(10)).until(() -> b.state() == LeaseElection.State.LEADER);
        assertThat(client.writeWhile(key, "a", Map.of(key + "/state", "2"), List.of())).isFalse();
        assertThat(client.get(key + "/state").orElseThrow().value()).isEqualTo("1");
    }

    @Test
    void aCandidateThatCannotReachEtcdDoesNotStart() throws Exception {
        URI nowhere = URI.create("http://127.0.0.1:" + EtcdServer.freePort());
        LeaseElection e = new LeaseElection(new EtcdClient(List.of(nowhere), TIMEOUT), key, "x", ROUND, TIMEOUT,
                new Recorder());
        opened.add(e);
        assertThatThrownBy(e::start).isInstanceOf(IOException.class);
        assertThat(e.state()).isEqualTo(LeaseElection.State.STANDBY);
    }
}
