package io.spillway.core.gslb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Every branch this appliance knows, directly or through the hierarchy (SPEC G2-G4), indexed by
 * site and stamped with the time of receipt.
 *
 * <p>A report replaces the stored one only when it is newer by its origin's
 * {@code (epoch, sequence)}, so reports that arrive twice or out of order over different
 * exchange paths are ignored and cannot loop (G3). A site whose report is older than
 * {@code staleAfter} is unavailable (G2) but kept, so that the management interface shows it;
 * it becomes available again with its next report. Entries are immutable records in a
 * concurrent map: readers on any thread see a consistent entry without locking.
 */
public final class SiteTable {

    private final ConcurrentHashMap<String, SiteEntry> sites = new ConcurrentHashMap<>();
    private final List<Consumer<SiteEntry>> listeners = new CopyOnWriteArrayList<>();
    private final LongSupplier clock;
    private volatile long staleAfterMillis;

    public SiteTable(Duration staleAfter, LongSupplier clockMillis) {
        this.staleAfterMillis = staleAfter.toMillis();
        this.clock = clockMillis;
    }

    public SiteTable(Duration staleAfter) {
        this(staleAfter, System::currentTimeMillis);
    }

    public long nowMillis() {
        return clock.getAsLong();
    }

    public Duration staleAfter() {
        return Duration.ofMillis(staleAfterMillis);
    }

    public void setStaleAfter(Duration staleAfter) {
        this.staleAfterMillis = staleAfter.toMillis();
    }

    /**
     * Stores a report if it is newer than the one held for its site.
     *
     * @param receivedAtMillis when it was received (for recovered reports: when the master got it)
     * @param recovered        whether it comes from the master's snapshot rather than live
     * @return true if the table changed
     */
    public boolean apply(SiteReport report, long receivedAtMillis, boolean recovered) {
        SiteEntry candidate = new SiteEntry(report, receivedAtMillis, recovered);
        boolean[] changed = {false};
        sites.compute(report.site(), (site, current) -> {
            if (current == null || report.isNewerThan(current.report())) {
                changed[0] = true;
                return candidate;
            }
            if (current.recovered() && !recovered && !current.report().isNewerThan(report)) {
                // the same report arrived live: it is no longer only recovered
                changed[0] = true;
                return candidate;
            }
            return current;
        });
        if (changed[0]) {
            for (Consumer<SiteEntry> l : listeners) {
                l.accept(candidate);
            }
        }
        return changed[0];
    }

    /** Applies a report received now, live. */
    public boolean apply(SiteReport report) {
        return apply(report, clock.getAsLong(), false);
    }

    public Optional<SiteEntry> site(String name) {
        return Optional.ofNullable(sites.get(name));
    }

    public Collection<SiteEntry> sites() {
        return List.copyOf(sites.values());
    }

    public int size() {
        return sites.size();
    }

    /** Available: its report is younger than {@code staleAfter}. */
    public boolean isAvailable(SiteEntry entry) {
        return entry.ageMillis(clock.getAsLong()) < staleAfterMillis;
    }

    public boolean isAvailable(String site) {
        SiteEntry e = sites.get(site);
        return e != null && isAvailable(e);
    }

    /**
     * The sites that can serve {@code domain} now: available, publishing the domain, and
     * reporting its vServer UP. Sorted by site name so that selection is deterministic.
     */
    public List<Candidate> candidates(String domain) {
        List<Candidate> out = new ArrayList<>();
        long now = clock.getAsLong();
        for (SiteEntry e : sites.values()) {
            if (e.ageMillis(now) >= staleAfterMillis) {
                continue;
            }
            e.report().domain(domain).filter(DomainReport::up)
                    .ifPresent(d -> out.add(new Candidate(e.site(), d, e)));
        }
        out.sort((a, b) -> a.site().compareTo(b.site()));
        return out;
    }

    /** Told of every change, on the thread that applied it; must not block. */
    public void addListener(Consumer<SiteEntry> listener) {
        listeners.add(listener);
    }

    /** A site that can serve a domain, with the domain's latest figures. */
    public record Candidate(String site, DomainReport domain, SiteEntry entry) {
    }
}
