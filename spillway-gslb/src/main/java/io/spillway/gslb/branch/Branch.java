package io.spillway.gslb.branch;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.core.runtime.VirtualServer;
import io.spillway.gslb.internal.exchange.Dialer;
import io.spillway.gslb.internal.exchange.ExchangeMessage;
import io.spillway.gslb.internal.exchange.ExchangeTlsContexts;
import io.spillway.gslb.internal.exchange.Link;
import io.spillway.gslb.internal.exchange.LinkListener;
import io.spillway.gslb.internal.exchange.LocalEnd;
import io.spillway.gslb.internal.exchange.ProtocolException;
import io.spillway.gslb.resolve.UnknownDomainException;
import io.spillway.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A branch appliance's side of the hierarchy (SPEC G1). It knows exactly one aggregator, keeps
 * one link to it (redialled with backoff), and reports its published domains at connect, then every
 * interval from a random phase (see {@link #firstTickMillis}; a tick that comes within half an
 * interval of the previous tick is skipped, see {@link #tickDue}), at once when a service of a
 * published vServer changes state or capacity, and when the aggregator
 * polls. Reports are stamped with this node's epoch (its start time, strictly increasing within
 * the JVM) and a sequence number, so the hierarchy never applies them out of order. It also
 * forwards resolve requests for its clients to the aggregator (G5).
 *
 * <p>When vServers of this appliance name {@code peers} (D2), the branch asks its aggregator for
 * those sites' reports at connect and every interval, and applies the answers to its own
 * {@link SiteTable} stamped with the time the hierarchy received them: it knows no peer directly,
 * and a peer that stops reporting goes stale here as it does at the aggregator.
 */
public final class Branch implements LinkListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Branch.class);
    private static final AtomicLong LAST_EPOCH = new AtomicLong();

    private final Transport transport;
    private final GslbConfig config;
    private final LocalEnd local;
    private final ExchangeTlsContexts tls;
    private final ReportBuilder builder;
    private final ServiceWatch watch;
    private final SiteTable table;
    private final Supplier<RuntimeGraph> graph;
    private final long epoch = nextEpoch();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean reportPending = new AtomicBoolean();
    /** {@link System#nanoTime()} of the last periodic report (touched on the link's event loop only). */
    private long lastTickNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Long, CompletableFuture<Optional<Resolution>>> pending = new ConcurrentHashMap<>();

    private volatile Link link;
    private volatile ScheduledFuture<?> ticker;
    private Dialer dialer;

    public Branch(Transport transport, GslbConfig config, LocalEnd local, ExchangeTlsContexts tls,
                  Supplier<RuntimeGraph> graph, SiteTable table) {
        this.transport = transport;
        this.table = table;
        this.graph = graph;
        this.config = config;
        this.local = local;
        this.tls = tls;
        this.builder = new ReportBuilder(config.site(), config.publish(), graph);
        this.watch = new ServiceWatch(config.publish(), graph, this::reportSoon);
    }

    private static long nextEpoch() {
        long now = System.currentTimeMillis();
        return LAST_EPOCH.updateAndGet(last -> Math.max(now, last + 1));
    }

    public void start() {
        if (config.exchange().aggregator() == null) {
            throw new IllegalStateException("gslb.exchange.aggregator is required for a branch");
        }
        watch.refresh();
        dialer = new Dialer(transport, config.exchange().aggregator(), local, tls, this);
        dialer.start();
    }

    public long epoch() {
        return epoch;
    }

    /** Whether the link to the aggregator is up. */
    public boolean connected() {
        Link l = link;
        return l != null && l.isOpen();
    }

    @Override
    public String refuse(ExchangeMessage.Hello peer) {
        GslbRole role = GslbRole.fromConfig(peer.role());
        return role == GslbRole.BRANCH ? "a branch reports to an aggregator, not to another branch" : null;
    }

    @Override
    public void onEstablished(Link l) {
        link = l;
        log.info("branch {} connected to aggregator {}", config.site(), l.peerSite());
        sendReport(l);
        askPeers(l);
        long ms = config.exchange().interval().toMillis();
        ticker = l.eventLoop().scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            if (!tickDue(now, lastTickNanos, ms)) {
                return;
            }
            lastTickNanos = now;
            watch.refresh();
            sendReport(l);
            askPeers(l);
        }, firstTickMillis(ms), ms, TimeUnit.MILLISECONDS);
    }

    /**
     * Whether a periodic tick reports: not when the previous tick reported less than half an
     * interval ago. A fixed-rate timer that ran late fires its missed ticks back to back, and at
     * a 1 ms interval on a busy machine that is a burst of reports within the same millisecond,
     * each saying nothing the previous one did not. A report sent for a change or a poll does
     * not hold the next tick back: the load it carried is already moving, and a tick skipped
     * after it left a load change waiting up to one and a half intervals (the convergence bench's
     * p99 at 100 ms).
     */
    static boolean tickDue(long nowNanos, long lastTickNanos, long intervalMillis) {
        return nowNanos - lastTickNanos >= TimeUnit.MILLISECONDS.toNanos(intervalMillis) / 2;
    }

    /**
     * When the first periodic report goes, after the one sent at connect: at a random point of
     * the first interval. Branches that connect together (an aggregator restarted, a partition
     * healed, a fleet started at once) would otherwise report in lock step forever, and their
     * aggregator would take every report of an interval in one burst and pass changes on behind
     * it; with random phases its work is spread over the interval, and a load change waits half
     * an interval for its report on average, not nearly a whole one.
     */
    static long firstTickMillis(long intervalMillis) {
        return 1 + ThreadLocalRandom.current().nextLong(intervalMillis);
    }

    @Override
    public void onMessage(Link l, ExchangeMessage message) {
        if (message instanceof ExchangeMessage.Poll) {
            sendReport(l);
        } else if (message instanceof ExchangeMessage.ResolveAnswer a) {
            answer(a);
        } else if (message instanceof ExchangeMessage.SitesAnswer a) {
            applyPeers(a);
        } else {
            throw new ProtocolException("unexpected",
                    "a branch does not take " + message.getClass().getSimpleName().toLowerCase() + " messages");
        }
    }

    @Override
    public void onClosed(Link l) {
        if (link == l) {
            link = null;
        }
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
        log.info("branch {} lost aggregator {}", config.site(), l.peerSite());
    }

    /** Reports on the link's event loop as soon as possible; bursts of changes coalesce into one report. */
    void reportSoon() {
        Link l = link;
        if (l == null || !reportPending.compareAndSet(false, true)) {
            return;
        }
        l.eventLoop().execute(() -> {
            reportPending.set(false);
            sendReport(l);
        });
    }

    private void sendReport(Link l) {
        if (!l.isOpen()) {
            return;
        }
        SiteReport r = builder.build(l.peerSite(), epoch, sequence.incrementAndGet(), System.currentTimeMillis());
        l.send(new ExchangeMessage.Report(r));
    }

    /**
     * The sites named as {@code peers} by this appliance's vServers, other than itself, in name
     * order; at most {@link ExchangeMessage#MAX_SITES_PER_REQUEST} of them.
     */
    List<String> peerSites() {
        RuntimeGraph g = graph.get();
        if (g == null) {
            return List.of();
        }
        TreeSet<String> sites = new TreeSet<>();
        for (VirtualServer vs : g.vservers()) {
            sites.addAll(vs.config().peers());
        }
        sites.remove(config.site());
        if (sites.size() > ExchangeMessage.MAX_SITES_PER_REQUEST) {
            log.warn("branch {}: {} peer sites configured, asking for the first {}", config.site(), sites.size(),
                    ExchangeMessage.MAX_SITES_PER_REQUEST);
        }
        return sites.stream().limit(ExchangeMessage.MAX_SITES_PER_REQUEST).toList();
    }

    private void askPeers(Link l) {
        List<String> sites = peerSites();
        if (!sites.isEmpty() && l.isOpen()) {
            l.send(new ExchangeMessage.SitesRequest(requestIds.incrementAndGet(), sites));
        }
    }

    private void applyPeers(ExchangeMessage.SitesAnswer a) {
        long now = table.nowMillis();
        for (ExchangeMessage.WireEntry e : a.entries()) {
            if (!e.report().site().equals(config.site())) {
                table.apply(e.report(), now - e.ageMillis(), e.recovered());
            }
        }
    }

    /** Asks the aggregator to choose a branch for {@code client} (G5 forwarded resolution). */
    public CompletableFuture<Optional<Resolution>> resolve(String domain, InetAddress client) {
        Link l = link;
        if (l == null || !l.isOpen()) {
            return CompletableFuture.failedFuture(new IOException("branch " + config.site() + " has no aggregator link"));
        }
        long id = requestIds.incrementAndGet();
        CompletableFuture<Optional<Resolution>> f = new CompletableFuture<>();
        pending.put(id, f);
        long timeout = local.settings().requestTimeout().toMillis();
        ScheduledFuture<?> timer = l.eventLoop().schedule(() -> {
            if (pending.remove(id) != null) {
                f.completeExceptionally(new TimeoutException("no resolve answer within " + timeout + " ms"));
            }
        }, timeout, TimeUnit.MILLISECONDS);
        f.whenComplete((r, e) -> timer.cancel(false));
        l.send(new ExchangeMessage.ResolveRequest(id, domain, client == null ? null : client.getHostAddress()));
        return f;
    }

    private void answer(ExchangeMessage.ResolveAnswer a) {
        CompletableFuture<Optional<Resolution>> f = pending.remove(a.id());
        if (f == null) {
            return;
        }
        if (a.unknown()) {
            f.completeExceptionally(new UnknownDomainException(a.domain()));
        } else if (a.site() == null || a.address() == null) {
            f.complete(Optional.empty());
        } else {
            f.complete(Optional.of(new Resolution(a.domain(), a.site(), a.address(), Duration.ofMillis(a.ttlMillis()))));
        }
    }

    @Override
    public void close() {
        watch.detach();
        if (dialer != null) {
            dialer.close();
        }
        ScheduledFuture<?> t = ticker;
        if (t != null) {
            t.cancel(false);
        }
        pending.values().forEach(f -> f.completeExceptionally(new IOException("branch closed")));
        pending.clear();
    }
}
