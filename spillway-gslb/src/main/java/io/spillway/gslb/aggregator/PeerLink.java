package io.spillway.gslb.aggregator;

import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.gslb.internal.exchange.ExchangeMessage;
import io.spillway.gslb.internal.exchange.Link;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outgoing side of a link to another aggregator or the master (G3): a full snapshot once,
 * then the changes. Sites whose report changed are queued by name and sent in one delta on the
 * link's event loop as soon as it runs, so a burst of changes costs one frame; at send time each
 * site's current entry is read from the table, and a site whose current report came in over this
 * very link is not sent back on it. Sites that only reported again go with the aggregator's
 * periodic delta ({@link Refreshes}), not from here. Frames are cut so that none approaches the
 * frame size limit.
 */
final class PeerLink {

    /** Domain reports per frame: a few hundred bytes each keeps a frame far below 1 MiB. */
    static final int DOMAINS_PER_FRAME = 512;

    private final Link link;
    private final SiteTable table;
    private final Map<String, Link> sourceOf;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    PeerLink(Link link, SiteTable table, Map<String, Link> sourceOf) {
        this.link = link;
        this.table = table;
        this.sourceOf = sourceOf;
    }

    Link link() {
        return link;
    }

    /**
     * @param asRecovered mark every entry recovered: the master serves its table as the durable
     *                    picture (G4), which live reports then supersede
     */
    void sendSnapshot(boolean asRecovered) {
        List<List<ExchangeMessage.WireEntry>> chunks = chunks(table.sites(), asRecovered);
        if (chunks.isEmpty()) {
            link.send(new ExchangeMessage.Snapshot(List.of(), true));
            return;
        }
        for (int i = 0; i < chunks.size(); i++) {
            link.send(new ExchangeMessage.Snapshot(chunks.get(i), i == chunks.size() - 1));
        }
    }

    /** The site's report says something new: send it as soon as the event loop runs. */
    void changed(String site) {
        dirty.add(site);
        if (flushScheduled.compareAndSet(false, true)) {
            link.eventLoop().execute(() -> {
                flushScheduled.set(false);
                flush(dirty);
            });
        }
    }

    private void flush(Set<String> queue) {
        if (!link.isOpen()) {
            queue.clear();
            return;
        }
        List<SiteEntry> entries = new ArrayList<>();
        for (var it = queue.iterator(); it.hasNext(); ) {
            String site = it.next();
            it.remove();
            if (sourceOf.get(site) == link) {
                continue;
            }
            table.site(site).ifPresent(entries::add);
        }
        for (List<ExchangeMessage.WireEntry> chunk : chunks(entries, false)) {
            link.send(new ExchangeMessage.Delta(chunk));
        }
    }

    private List<List<ExchangeMessage.WireEntry>> chunks(Collection<SiteEntry> entries, boolean asRecovered) {
        long now = table.nowMillis();
        List<List<ExchangeMessage.WireEntry>> out = new ArrayList<>();
        List<ExchangeMessage.WireEntry> current = new ArrayList<>();
        int domains = 0;
        for (SiteEntry e : entries) {
            int d = Math.max(1, e.report().domains().size());
            if (!current.isEmpty() && domains + d > DOMAINS_PER_FRAME) {
                out.add(current);
                current = new ArrayList<>();
                domains = 0;
            }
            current.add(new ExchangeMessage.WireEntry(e.report(), e.ageMillis(now), asRecovered || e.recovered()));
            domains += d;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
