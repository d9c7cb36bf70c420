package io.spillway.gslb.aggregator;

import io.netty.util.concurrent.EventExecutor;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.gslb.internal.exchange.ExchangeMessage;
import io.spillway.gslb.internal.exchange.FrameCodec;
import io.spillway.gslb.internal.exchange.Link;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * The periodic delta of an aggregator (G3 "refresh"): sites whose newest report only said again
 * what the previous one said are passed on once per refresh period, all links together.
 *
 * <p>The rule: <b>work that a report does not need at once is done per period, not per
 * report.</b> A report that changes nothing selection uses costs its aggregator the decoding, a
 * comparison with the stored report, the store, and one entry in a map; nothing is encoded or
 * written for it. Once per period one timer (for the whole aggregator, at a random phase so that
 * aggregators started together do not send in step) takes the sites refreshed since the last
 * period, reads each one's current entry from the table, encodes it <em>once</em> with its age at
 * that moment, and sends every peer link one delta (cut at {@link PeerLink#DOMAINS_PER_FRAME}
 * domain reports per frame) of the entries that go to it: those the relay rule lets through from
 * the link they came in on, and never one whose current report came in over that very link. So a
 * steady site costs the mesh one encoding and one entry per link per period, whatever its report
 * interval and however many links there are.
 *
 * <p>A change is not sent from here: it goes on every link at once ({@link PeerLink#changed}),
 * and takes the site out of this period's refreshes, since the change already carried the newest
 * report.
 */
final class Refreshes {

    private static final Logger log = LoggerFactory.getLogger(Refreshes.class);

    private final SiteTable table;
    private final Map<String, Link> sourceOf;
    private final Supplier<Collection<PeerLink>> peers;
    private final BiPredicate<Link, Link> relays;
    /** Site refreshed since the last period, with the link its report came in on. */
    private final Map<String, Link> pending = new ConcurrentHashMap<>();
    private volatile ScheduledFuture<?> task;

    /**
     * @param relays whether a report that came in over the first link goes on to the second
     */
    Refreshes(SiteTable table, Map<String, Link> sourceOf, Supplier<Collection<PeerLink>> peers,
              BiPredicate<Link, Link> relays) {
        this.table = table;
        this.sourceOf = sourceOf;
        this.peers = peers;
        this.relays = relays;
    }

    /** The site's newest report, received over {@code source}, only refreshed it. */
    void refreshed(String site, Link source) {
        pending.put(site, source);
    }

    /** The site's newest report changed it, and goes on at once: no refresh needed this period. */
    void changed(String site) {
        pending.remove(site);
    }

    void start(EventExecutor loop, long periodMillis) {
        long first = 1 + ThreadLocalRandom.current().nextLong(periodMillis);
        task = loop.scheduleAtFixedRate(this::sendSafely, first, periodMillis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void sendSafely() {
        try {
            send();
        } catch (RuntimeException | IOException e) {
            // a failed period must not end the timer: the next one sends the sites refreshed by then
            log.warn("periodic delta failed: {}", e.toString());
        }
    }

    /** One period: encode each refreshed site once, send each link its delta. */
    void send() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        long now = table.nowMillis();
        List<Encoded> encoded = new ArrayList<>(pending.size());
        for (Iterator<Map.Entry<String, Link>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Link> e = it.next();
            it.remove();
            SiteEntry entry = table.site(e.getKey()).orElse(null);
            if (entry != null) {
                byte[] json = FrameCodec.encodeEntry(
                        new ExchangeMessage.WireEntry(entry.report(), entry.ageMillis(now), entry.recovered()));
                encoded.add(new Encoded(e.getKey(), e.getValue(), Math.max(1, entry.report().domains().size()), json));
            }
        }
        for (PeerLink p : peers.get()) {
            Link link = p.link();
            if (!link.isOpen()) {
                continue;
            }
            List<byte[]> frame = new ArrayList<>();
            int domains = 0;
            for (Encoded x : encoded) {
                if (!relays.test(x.source(), link) || sourceOf.get(x.site()) == link) {
                    continue;
                }
                if (!frame.isEmpty() && domains + x.domains() > PeerLink.DOMAINS_PER_FRAME) {
                    link.sendDelta(frame);
                    frame = new ArrayList<>();
                    domains = 0;
                }
                frame.add(x.json());
                domains += x.domains();
            }
            if (!frame.isEmpty()) {
                link.sendDelta(frame);
            }
        }
    }

    private record Encoded(String site, Link source, int domains, byte[] json) {
    }
}
