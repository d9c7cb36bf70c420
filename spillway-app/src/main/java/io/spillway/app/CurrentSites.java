package io.spillway.app;

import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.PeerSites;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.HostPort;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The site table of whichever GSLB node this appliance runs at the moment, as the runtime graph's
 * vServers with {@code peers} read it (D2, {@link PeerSites}); while there is none (no
 * {@code gslb} section, or GSLB restarting after a reload) no peer is known.
 *
 * <p>A restarted GSLB node brings a new table whose version stamps start again from zero, so
 * the stamps handed out here are the table's plus a base moved past every stamp handed out
 * before each time the table is replaced: a reader never mistakes the new table's answers for
 * the old one's.
 */
final class CurrentSites implements PeerSites {

    /** A table and the base added to its stamps. */
    private record Seen(SiteTable table, long base) {

        long version() {
            return base + (table == null ? 0 : table.version());
        }
    }

    private final Supplier<SiteTable> table;
    private volatile Seen seen = new Seen(null, 0);

    /** @param table the current site table, or null while there is none */
    CurrentSites(Supplier<SiteTable> table) {
        this.table = table;
    }

    @Override
    public long version() {
        SiteTable t = table.get();
        Seen s = seen;
        return (s.table() == t ? s : replaced(t)).version();
    }

    private synchronized Seen replaced(SiteTable t) {
        Seen s = seen;
        if (s.table() != t) {
            long next = s.version() + 1;
            s = new Seen(t, next - (t == null ? 0 : t.version()));
            seen = s;
        }
        return s;
    }

    @Override
    public Optional<DomainReport> available(String site, String domain) {
        SiteTable t = table.get();
        return t == null ? Optional.empty() : t.available(site, domain);
    }

    @Override
    public List<HostPort> addresses(String site) {
        SiteTable t = table.get();
        return t == null ? List.of() : t.addresses(site);
    }
}
