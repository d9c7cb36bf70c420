package io.spillway.core.gslb;

import io.spillway.core.model.HostPort;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
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
 *
 * <h2>Version stamp and candidate lists</h2>
 * Selection runs for every DNS query, so what it reads is kept ready: {@link #version()} is a
 * stamp that changes whenever the set of candidates or any of their figures may have changed —
 * a report stored, {@code staleAfter} changed, or an available site's report reaching
 * {@code staleAfter} (time alone makes a site unavailable). The stamp carries the
 * earliest moment at which an available site goes stale; the first reader at or after that
 * moment moves the stamp on, so no timer is needed and a reader costs one clock read and one
 * volatile read. Each change moves the stamp by a compare-and-set loop that starts after the
 * change, so the last stamp always accounts for every change made before it.
 *
 * <p>{@link #candidates} keeps, per domain, the sorted immutable list built at one stamp and
 * hands out the same list until the stamp moves: no list is built or sorted per query. Callers
 * that keep something derived from a domain's candidates (the DNS server keeps encoded answers)
 * compare the stamp they built it at with {@link #version()} in the same way. The per-domain
 * cache is cleared if it ever holds more than {@value #MAX_CACHED_DOMAINS} domains.
 *
 * <p>The same stamp versions what peer sharing (D2) reads of the table ({@link PeerSites}).
 */
public final class SiteTable implements PeerSites {

    static final int MAX_CACHED_DOMAINS = 10_000;

    /** A version of the table: valid until {@code expiresAtMillis}, when an available site goes stale. */
    private record Stamp(long version, long expiresAtMillis) {
    }

    private record Cached(long version, List<Candidate> candidates) {
    }

    private final ConcurrentHashMap<String, SiteEntry> sites = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Cached> candidatesByDomain = new ConcurrentHashMap<>();
    private final AtomicReference<Stamp> stamp = new AtomicReference<>(new Stamp(0, Long.MAX_VALUE));
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
        changed();
    }

    /**
     * The table's version stamp: equal stamps mean the same candidates with the same figures for
     * every domain (see the class comment). Cheap enough to read on every query.
     */
    @Override
    public long version() {
        Stamp s = stamp.get();
        while (clock.getAsLong() >= s.expiresAtMillis()) {
            // an available site has just gone stale: the first reader to notice moves the stamp
            Stamp next = next(s);
            if (stamp.compareAndSet(s, next)) {
                return next.version();
            }
            s = stamp.get();
        }
        return s.version();
    }

    /** Moves the stamp on after a change; the new stamp is computed after the change. */
    private void changed() {
        Stamp s;
        do {
            s = stamp.get();
        } while (!stamp.compareAndSet(s, next(s)));
    }

    /**
     * Moves the stamp on after one site's entry went from {@code before} (null: none) to
     * {@code after}. The earliest expiry moves only by that site's, so it is not looked for among
     * all sites (a report per site per interval made that scan a cost per report that grew with
     * the hierarchy), unless the site's previous entry was the one that expired first, or the
     * stamp itself has expired.
     */
    private void changed(SiteEntry before, SiteEntry after) {
        Stamp s;
        Stamp n;
        do {
            s = stamp.get();
            long now = clock.getAsLong();
            if (now >= s.expiresAtMillis() || before != null && expiry(before) <= s.expiresAtMillis()) {
                n = next(s);
            } else {
                long at = after.ageMillis(now) < staleAfterMillis ? expiry(after) : Long.MAX_VALUE;
                n = new Stamp(s.version() + 1, Math.min(s.expiresAtMillis(), at));
            }
        } while (!stamp.compareAndSet(s, n));
    }

    /** When {@code e} goes stale: receivedAt + staleAfter, saturating (staleAfter may be huge). */
    private long expiry(SiteEntry e) {
        long at = e.receivedAtMillis() + staleAfterMillis;
        return at < e.receivedAtMillis() ? Long.MAX_VALUE : at;
    }

    private Stamp next(Stamp s) {
        long now = clock.getAsLong();
        long stale = staleAfterMillis;
        long expires = Long.MAX_VALUE;
        for (SiteEntry e : sites.values()) {
            if (e.ageMillis(now) < stale) {
                // available while now - receivedAt < staleAfter
                expires = Math.min(expires, expiry(e));
            }
        }
        return new Stamp(s.version() + 1, expires);
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
        SiteEntry[] replaced = {null};
        boolean[] changed = {false};
        sites.compute(report.site(), (site, current) -> {
            replaced[0] = current;
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
            changed(replaced[0], candidate);
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
     * reporting its vServer UP. Sorted by site name so that selection is deterministic. The
     * list is immutable and the same one is returned until the table's {@link #version()} moves.
     */
    public List<Candidate> candidates(String domain) {
        long version = version();
        Cached cached = candidatesByDomain.get(domain);
        if (cached != null && cached.version() == version) {
            return cached.candidates();
        }
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
        List<Candidate> list = List.copyOf(out);
        if (candidatesByDomain.size() >= MAX_CACHED_DOMAINS) {
            candidatesByDomain.clear();
        }
        // kept under the stamp read before the table was: a change made meanwhile moves the stamp
        candidatesByDomain.put(domain, new Cached(version, list));
        return list;
    }

    @Override
    public Optional<DomainReport> available(String site, String domain) {
        SiteEntry e = sites.get(site);
        if (e == null || !isAvailable(e)) {
            return Optional.empty();
        }
        return e.report().domain(domain).filter(DomainReport::up);
    }

    @Override
    public List<HostPort> addresses(String site) {
        SiteEntry e = sites.get(site);
        if (e == null) {
            return List.of();
        }
        List<HostPort> out = new ArrayList<>(e.report().domains().size());
        for (DomainReport d : e.report().domains()) {
            if (d.address() != null) {
                out.add(d.address());
            }
        }
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
