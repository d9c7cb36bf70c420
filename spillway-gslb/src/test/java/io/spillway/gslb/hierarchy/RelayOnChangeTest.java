package io.spillway.gslb.hierarchy;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.internal.exchange.Dialer;
import io.spillway.gslb.internal.exchange.ExchangeMessage;
import io.spillway.gslb.internal.exchange.ExchangeSettings;
import io.spillway.gslb.internal.exchange.HmacAuth;
import io.spillway.gslb.internal.exchange.Link;
import io.spillway.gslb.internal.exchange.LinkListener;
import io.spillway.gslb.internal.exchange.LocalEnd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * G3 over real sockets: a branch (the project's own dialer and codec, sending hand-made reports)
 * reports to a real aggregator, and a peer aggregator (likewise) watches what the aggregator
 * passes on. staleAfter is 5 minutes, so the periodic delta of refreshes comes every 75 s,
 * far beyond these tests: whatever the peer receives was relayed because it changed something.
 */
class RelayOnChangeTest {

    static final Duration INTERVAL = Duration.ofSeconds(2);
    static final long EPOCH = 1_000;

    @RegisterExtension
    final Hierarchy h = new Hierarchy(INTERVAL, Duration.ofMinutes(5));
    GslbNode agg;
    Dialer branchDialer;
    Dialer peerDialer;
    final Endpoint branch = new Endpoint();
    final Endpoint peer = new Endpoint();

    @BeforeEach
    void start() throws Exception {
        agg = h.aggregator("agg", null, List.of());
        HostPort at = Hierarchy.addressOf(agg);
        peerDialer = dial(at, "peer", GslbRole.AGGREGATOR, peer);
        branchDialer = dial(at, "branch-1", GslbRole.BRANCH, branch);
        await().atMost(Duration.ofSeconds(10)).until(() -> branch.link != null && peer.link != null);
        // the peer's snapshot (empty: nothing reported yet) comes first
        assertThat(peer.received.poll(10, TimeUnit.SECONDS)).isInstanceOf(ExchangeMessage.Snapshot.class);
    }

    @AfterEach
    void stop() {
        branchDialer.close();
        peerDialer.close();
    }

    @Test
    void reportThatChangesNothingIsNotPassedOnButTheNextChangeIs() throws Exception {
        branch.link.send(new ExchangeMessage.Report(report(1, 10)));
        assertThat(nextRelayedSequence()).isEqualTo(1);

        branch.link.send(new ExchangeMessage.Report(report(2, 10)));
        branch.link.send(new ExchangeMessage.Report(report(3, 7)));

        // report 2 only repeated report 1: the next thing the peer gets is report 3
        assertThat(nextRelayedSequence()).isEqualTo(3);
        assertThat(agg.table().site("branch-1").orElseThrow().report().sequence()).isEqualTo(3);
    }

    @Test
    void changeIsPassedOnWithinOneInterval() throws Exception {
        branch.link.send(new ExchangeMessage.Report(report(1, 10)));
        assertThat(nextRelayedSequence()).isEqualTo(1);

        branch.link.send(new ExchangeMessage.Report(report(2, 0)));
        ExchangeMessage relayed = peer.received.poll(INTERVAL.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(relayed).as("a delta within one interval (%d ms)", INTERVAL.toMillis())
                .isInstanceOf(ExchangeMessage.Delta.class);
        DomainReport d = ((ExchangeMessage.Delta) relayed).entries().get(0).report().domains().get(0);
        assertThat(d.availableCapacity()).isZero();
    }

    /** The sequence of the single report in the next delta the peer receives. */
    long nextRelayedSequence() throws InterruptedException {
        ExchangeMessage m = peer.received.poll(10, TimeUnit.SECONDS);
        assertThat(m).isInstanceOf(ExchangeMessage.Delta.class);
        List<ExchangeMessage.WireEntry> entries = ((ExchangeMessage.Delta) m).entries();
        assertThat(entries).hasSize(1);
        return entries.get(0).report().sequence();
    }

    static SiteReport report(long sequence, int available) {
        DomainReport d = new DomainReport(Hierarchy.DOMAIN, "shop", new HostPort("127.0.0.1", 8080), true, 10,
                available, 10 - available, 10 - available, sequence * 5, 3.0, 3.0, 0, 0, 1, 1);
        return new SiteReport("branch-1", "agg", EPOCH, sequence, System.currentTimeMillis(), List.of(d));
    }

    Dialer dial(HostPort at, String site, GslbRole role, Endpoint endpoint) {
        GslbConfig.Exchange ex = new GslbConfig.Exchange(null, at, List.of(), null, INTERVAL, null, Hierarchy.SECRET,
                null, null, null);
        LocalEnd local = new LocalEnd(site, role, () -> null, new HmacAuth(Hierarchy.SECRET), ExchangeSettings.from(ex));
        Dialer d = new Dialer(h.transport(), at, local, null, endpoint);
        d.start();
        return d;
    }

    /** One end of an exchange link that records what it receives. */
    static final class Endpoint implements LinkListener {
        final BlockingQueue<ExchangeMessage> received = new LinkedBlockingQueue<>();
        volatile Link link;

        @Override
        public String refuse(ExchangeMessage.Hello hello) {
            return null;
        }

        @Override
        public void onEstablished(Link l) {
            link = l;
        }

        @Override
        public void onMessage(Link l, ExchangeMessage message) {
            received.add(message);
        }

        @Override
        public void onClosed(Link l) {
            link = null;
        }
    }
}
