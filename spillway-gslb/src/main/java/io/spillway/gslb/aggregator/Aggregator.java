package io.spillway.gslb.aggregator;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.net.IpAddress;
import io.spillway.gslb.internal.exchange.Dialer;
import io.spillway.gslb.internal.exchange.ExchangeMessage;
import io.spillway.gslb.internal.exchange.ExchangeServer;
import io.spillway.gslb.internal.exchange.ExchangeTlsContexts;
import io.spillway.gslb.internal.exchange.Link;
import io.spillway.gslb.internal.exchange.LinkListener;
import io.spillway.gslb.internal.exchange.LocalEnd;
import io.spillway.gslb.internal.exchange.ProtocolException;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * An aggregator (SPEC G2, G3): stores its branches' reports and exchanges what it knows with the
 * other aggregators, so that every aggregator knows every branch.
 *
 * <p>Branches connect to its exchange listener and send reports, which are applied to the
 * {@link SiteTable} stamped with the time of receipt (the table marks a site unavailable once
 * its report is older than staleAfter). Links to other aggregators and to the master, whether
 * dialled (configured {@code peers}, {@code master}, or peers learnt from the master's
 * {@code peers} message) or accepted, are symmetric: each side sends a full snapshot once
 * authenticated and deltas after. A report is applied only if it is newer by its origin's
 * {@code (epoch, sequence)}; only a report that changed the table is passed on, and never back
 * over the link it came from, so that reports flood the mesh once and cannot loop. Relayed
 * entries carry their age so that a report keeps ageing across hops.
 *
 * <p><b>Cost per report.</b> One aggregator is meant to carry a thousand branches reporting every
 * 100 ms, so a branch's report costs it what it must and no more: its frame is read straight
 * from the bytes (the exchange codec's streaming reader), it is compared with the stored report
 * ({@link ReportChange}), stored, and — when it changes nothing selection uses — only noted for
 * the periodic delta ({@link Refreshes}), which encodes each refreshed site once per period for all
 * links. Only a change is written at once, coalesced per link into one delta per burst. Nothing
 * is written back to a branch per report either: heartbeats go only to a link quiet for a third of
 * its read-idle time.
 */
public final class Aggregator implements LinkListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Aggregator.class);

    private final Transport transport;
    private final GslbConfig config;
    private final LocalEnd local;
    private final ExchangeTlsContexts tls;
    private final SiteTable table;
    private final Resolver resolver;
    private final ExchangeServer server;
    private final Map<String, Link> branches = new ConcurrentHashMap<>();
    private final Map<Link, PeerLink> peers = new ConcurrentHashMap<>();
    private final Map<String, Link> sourceOf = new ConcurrentHashMap<>();
    private final List<Dialer> dialers = new CopyOnWriteArrayList<>();
    private final Map<String, Dialer> learnt = new ConcurrentHashMap<>();
    private final List<PeerEvents> peerEvents = new CopyOnWriteArrayList<>();
    private final Refreshes refreshes;
    private volatile Set<String> meshSites = Set.of();
    private volatile boolean closed;
    private volatile Supplier<String> refusal = () -> null;

    public Aggregator(Transport transport, GslbConfig config, LocalEnd local, ExchangeTlsContexts tls,
                      SiteTable table, Resolver resolver) {
        this.transport = transport;
        this.config = config;
        this.local = local;
        this.tls = tls;
        this.table = table;
        this.resolver = resolver;
        this.server = new ExchangeServer(transport);
        this.refreshes = new Refreshes(table, sourceOf, peers::values, this::relays);
    }

    public void addPeerEvents(PeerEvents events) {
        peerEvents.add(events);
    }

    /** Binds the exchange listener, then dials the configured peers and the master. */
    public InetSocketAddress start() throws InterruptedException {
        GslbConfig.Exchange ex = config.exchange();
        if (ex.listen() == null) {
            throw new IllegalStateException("gslb.exchange.listen is required for an aggregator");
        }
        InetSocketAddress bound = server.bind(ex.listen(), local, tls, this);
        refreshes.start(transport.group().next(), refreshPeriodMillis());
        log.info("{} {} exchange listening on {}", config.role().configName(), config.site(), bound);
        for (HostPort peer : ex.peers()) {
            dialers.add(dial(peer));
        }
        if (!ex.master().isEmpty() && config.role() != GslbRole.MASTER) {
            // one link to whichever of the masters is active (issue 12): the others refuse
            dialers.add(dial(ex.master()));
        }
        return bound;
    }

    private Dialer dial(HostPort target) {
        return dial(List.of(target));
    }

    private Dialer dial(List<HostPort> targets) {
        Dialer d = new Dialer(transport, targets, local, tls, this);
        d.start();
        return d;
    }

    /**
     * While {@code refusal} gives a reason, every peer that says hello is refused with it (a
     * standby master, issue 12); null lets peers in.
     */
    public void refuseWhile(Supplier<String> refusal) {
        this.refusal = refusal;
    }

    /** Closes every established link, branches' and peers', with an error frame. */
    public void closeLinks(String code, String message) {
        branches.values().forEach(l -> l.close(code, message));
        peers.keySet().forEach(l -> l.close(code, message));
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /** Sites of the branches connected to this aggregator now. */
    public Set<String> connectedBranches() {
        return Set.copyOf(branches.keySet());
    }

    /** Sites of the aggregators and master this aggregator has a link to now. */
    public Set<String> connectedPeers() {
        return peers.keySet().stream().map(Link::peerSite).collect(Collectors.toUnmodifiableSet());
    }

    /** Asks a connected branch to report now (G2); false if it is not connected. */
    public boolean poll(String site) {
        Link l = branches.get(site);
        if (l == null) {
            return false;
        }
        l.send(new ExchangeMessage.Poll());
        return true;
    }

    public void pollAll() {
        branches.values().forEach(l -> l.send(new ExchangeMessage.Poll()));
    }

    @Override
    public String refuse(ExchangeMessage.Hello peer) {
        if (closed) {
            return "shutting down";
        }
        return refusal.get();
    }

    @Override
    public void onEstablished(Link link) {
        String refused = refusal.get();
        if (refused != null) { // the refusal began during this link's handshake (a master deposed)
            link.close("refused", refused);
            return;
        }
        if (link.peerRole() == GslbRole.BRANCH) {
            Link previous = branches.put(link.peerSite(), link);
            if (previous != null && previous != link) {
                previous.close("replaced", "branch " + link.peerSite() + " connected again");
            }
            log.info("aggregator {}: branch {} connected", config.site(), link.peerSite());
            return;
        }
        PeerLink p = new PeerLink(link, table, sourceOf);
        peers.put(link, p);
        log.info("aggregator {}: {} {} connected", config.site(), link.peerRole().configName(), link.peerSite());
        p.sendSnapshot(config.role() == GslbRole.MASTER);
        peerEvents.forEach(e -> e.peerUp(link));
    }

    @Override
    public void onMessage(Link link, ExchangeMessage message) {
        if (link.peerRole() == GslbRole.BRANCH) {
            fromBranch(link, message);
        } else {
            fromPeer(link, message);
        }
    }

    private void fromBranch(Link link, ExchangeMessage message) {
        if (message instanceof ExchangeMessage.Report r) {
            SiteReport report = r.report();
            if (!report.site().equals(link.peerSite())) {
                throw new ProtocolException("refused",
                        "branch " + link.peerSite() + " may not report for site " + report.site());
            }
            // a branch names the aggregator it reports to, which is this one: a new record only if not
            SiteReport stamped = config.site().equals(report.aggregator()) ? report
                    : new SiteReport(report.site(), config.site(), report.epoch(), report.sequence(),
                    report.generatedAtMillis(), report.domains(), report.resources());
            SiteEntry previous = table.site(report.site()).orElse(null);
            if (table.apply(stamped, table.nowMillis(), false)) {
                changed(report.site(), link, ReportChange.significant(previous, stamped, false));
            }
        } else if (message instanceof ExchangeMessage.ResolveRequest q) {
            link.send(answer(q));
        } else if (message instanceof ExchangeMessage.SitesRequest q) {
            SitesAnswers.answer(q, table).forEach(link::send);
        } else {
            throw unexpected(message, "branch");
        }
    }

    private void fromPeer(Link link, ExchangeMessage message) {
        if (message instanceof ExchangeMessage.Snapshot s) {
            applyEntries(link, s.entries());
            if (s.complete()) {
                log.info("aggregator {}: snapshot from {} applied, {} sites known", config.site(), link.peerSite(),
                        table.size());
            }
        } else if (message instanceof ExchangeMessage.Delta d) {
            applyEntries(link, d.entries());
        } else if (message instanceof ExchangeMessage.Peers p && link.peerRole() == GslbRole.MASTER) {
            learn(p.peers());
        } else {
            throw unexpected(message, link.peerRole().configName());
        }
    }

    /**
     * A delta or snapshot entry of a report this aggregator holds, live, or older changes nothing:
     * the codec skips it unread (around a master every refresh arrives twice, from its origin and
     * reflected by the master, and the second copy costs only a scan of its bytes).
     */
    @Override
    public boolean holds(String site, long epoch, long sequence) {
        SiteEntry held = table.site(site).orElse(null);
        if (held == null || held.recovered()) {
            return false;
        }
        SiteReport r = held.report();
        return r.epoch() != epoch ? r.epoch() > epoch : r.sequence() >= sequence;
    }

    private void applyEntries(Link link, List<ExchangeMessage.WireEntry> entries) {
        long now = table.nowMillis();
        for (ExchangeMessage.WireEntry e : entries) {
            SiteEntry previous = table.site(e.report().site()).orElse(null);
            if (table.apply(e.report(), now - e.ageMillis(), e.recovered())) {
                changed(e.report().site(), link, ReportChange.significant(previous, e.report(), e.recovered()));
            }
        }
    }

    /**
     * Queues a site whose report changed the table for the peers it goes to: at once when it says
     * something new, with the next periodic delta when it only refreshes the site's age.
     */
    private void changed(String site, Link source, boolean significant) {
        sourceOf.put(site, source);
        if (!significant) {
            refreshes.refreshed(site, source);
            return;
        }
        refreshes.changed(site);
        for (PeerLink p : peers.values()) {
            if (relays(source, p.link())) {
                p.changed(site);
            }
        }
    }

    /**
     * Whether a report that changed the table, having come in over {@code source}, goes on to
     * {@code target}. A master reflects everything to everyone. An aggregator passes on its own
     * branches' reports and what it learnt over a configured peer link to every link (flooding,
     * which serves any configured topology); what it learnt from the master or from an aggregator
     * the master announced (the mesh) it passes on only to links outside that mesh, because the
     * origin aggregator sends it to the master and the whole mesh itself. In a hierarchy of N
     * aggregators around a master a report thus costs about 2N frames instead of N squared.
     */
    private boolean relays(Link source, Link target) {
        if (config.role() == GslbRole.MASTER || source.peerRole() == GslbRole.BRANCH) {
            return true;
        }
        if (!inMesh(source)) {
            return true;
        }
        return !inMesh(target);
    }

    /**
     * How often refreshes go out: a quarter of staleAfter, so that a site stays available
     * everywhere while its branch reports, but not more often than the exchange interval.
     */
    long refreshPeriodMillis() {
        long interval = config.exchange().interval().toMillis();
        long quarter = table.staleAfter().toMillis() / 4;
        return Math.max(1, Math.max(interval, quarter));
    }

    private boolean inMesh(Link link) {
        return link.peerRole() == GslbRole.MASTER || meshSites.contains(link.peerSite());
    }

    private ExchangeMessage.ResolveAnswer answer(ExchangeMessage.ResolveRequest q) {
        InetAddress client = q.client() == null ? null : IpAddress.parse(q.client()).map(IpAddress::toInetAddress).orElse(null);
        if (resolver == null || !resolver.serves(q.domain())) {
            return new ExchangeMessage.ResolveAnswer(q.id(), q.domain(), null, null, 0, true);
        }
        Optional<Resolution> r = resolver.resolve(q.domain(), client);
        return r.map(res -> new ExchangeMessage.ResolveAnswer(q.id(), q.domain(), res.site(), res.address(),
                        res.ttl() == null ? 0 : res.ttl().toMillis()))
                .orElseGet(() -> new ExchangeMessage.ResolveAnswer(q.id(), q.domain(), null, null, 0));
    }

    /**
     * Dials the aggregators the master announced. Of two aggregators that learn of each other, the
     * one with the smaller site name dials, so that they keep one link; dialers of aggregators that
     * left the master's list are stopped.
     */
    private void learn(List<ExchangeMessage.PeerAddress> announced) {
        Set<String> listed = announced.stream().map(ExchangeMessage.PeerAddress::site).collect(Collectors.toSet());
        meshSites = Set.copyOf(listed);
        for (ExchangeMessage.PeerAddress a : announced) {
            Dialer existing = learnt.get(a.site());
            if (existing != null && !existing.target().equals(a.address())) {
                existing.close();
                learnt.remove(a.site(), existing);
            }
            if (closed || a.site().equals(config.site()) || config.site().compareTo(a.site()) > 0
                    || config.exchange().peers().contains(a.address())
                    || connectedPeers().contains(a.site()) || learnt.containsKey(a.site())) {
                continue;
            }
            log.info("aggregator {}: dialling {} at {} (announced by the master)", config.site(), a.site(), a.address());
            learnt.put(a.site(), dial(a.address()));
        }
        learnt.entrySet().removeIf(e -> {
            if (!listed.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
    }

    private static ProtocolException unexpected(ExchangeMessage m, String from) {
        return new ProtocolException("unexpected",
                "an aggregator does not take " + m.getClass().getSimpleName().toLowerCase() + " messages from a " + from);
    }

    @Override
    public void onClosed(Link link) {
        if (link.peerRole() == GslbRole.BRANCH) {
            branches.remove(link.peerSite(), link);
            log.info("aggregator {}: branch {} disconnected", config.site(), link.peerSite());
            return;
        }
        if (peers.remove(link) != null) {
            log.info("aggregator {}: {} {} disconnected", config.site(), link.peerRole().configName(), link.peerSite());
            sourceOf.values().removeIf(l -> l == link);
            peerEvents.forEach(e -> e.peerDown(link));
        }
    }

    @Override
    public void close() {
        closed = true;
        refreshes.stop();
        dialers.forEach(Dialer::close);
        learnt.values().forEach(Dialer::close);
        server.close();
    }
}
