package io.spillway.gslb;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.gslb.aggregator.Aggregator;
import io.spillway.gslb.branch.Branch;
import io.spillway.gslb.internal.exchange.ExchangeSettings;
import io.spillway.gslb.internal.exchange.ExchangeTlsContexts;
import io.spillway.gslb.internal.exchange.FrameCodec;
import io.spillway.gslb.internal.exchange.HmacAuth;
import io.spillway.gslb.internal.exchange.LocalEnd;
import io.spillway.gslb.master.Master;
import io.spillway.transport.Transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * This appliance's place in the GSLB hierarchy (SPEC G1-G4, G8): a {@link Branch} that reports
 * to its one aggregator, an {@link Aggregator}, or a {@link Master}, chosen by
 * {@code gslb.role}. All share one exchange protocol (docs/gslb-protocol.md) on the
 * appliance's event loops.
 */
public final class GslbNode implements AutoCloseable {

    private final Transport transport;
    private final GslbConfig config;
    private final Supplier<RuntimeGraph> graph;
    private final SiteTable table;
    private final Resolver resolver;

    private Branch branch;
    private volatile Aggregator aggregator;
    private Master master;

    public GslbNode(Transport transport, GslbConfig config, Supplier<RuntimeGraph> graph, SiteTable table,
                    Resolver resolver) {
        this.transport = transport;
        this.config = config;
        this.graph = graph;
        this.table = table;
        this.resolver = resolver;
    }

    /**
     * Branch: starts dialling the aggregator. Aggregator, master: binds {@code exchange.listen}
     * (port 0 picks a free port) and dials the configured peers and master.
     */
    public synchronized void start() throws Exception {
        GslbConfig.Exchange ex = config.exchange();
        if (ex == null) {
            throw new IllegalStateException("gslb.exchange is required");
        }
        if (ex.secret() == null && ex.tls() == null) {
            throw new IllegalStateException("gslb.exchange needs a secret or mutual tls: links must authenticate");
        }
        if (ex.staleAfter() != null) {
            table.setStaleAfter(ex.staleAfter());
        }
        LocalEnd local = new LocalEnd(config.site(), config.role(), this::advertised, new HmacAuth(ex.secret()),
                ExchangeSettings.from(ex));
        ExchangeTlsContexts tls = ExchangeTlsContexts.from(ex.tls());
        FrameCodec.prepare();
        if (config.role() == GslbRole.BRANCH) {
            branch = new Branch(transport, config, local, tls, graph, table);
            branch.start();
            return;
        }
        aggregator = new Aggregator(transport, config, local, tls, table, resolver);
        if (config.role() == GslbRole.MASTER) {
            master = new Master(config, table, aggregator);
        }
        if (master != null) {
            master.start();
        } else {
            aggregator.start();
        }
    }

    /** Peers are told the configured listen host with the port actually bound (port 0 picks one). */
    private HostPort advertised() {
        Aggregator a = aggregator;
        InetSocketAddress bound = a == null ? null : a.address();
        return bound == null ? null : config.exchange().listen().withPort(bound.getPort());
    }

    /** The bound exchange listener (aggregator, master), or null for a branch. */
    public InetSocketAddress exchangeAddress() {
        return aggregator == null ? null : aggregator.address();
    }

    /**
     * Branch: asks its aggregator to choose a branch for {@code client} (G5, G6). Empty when the
     * hierarchy has no available branch for the domain; fails with
     * {@link io.spillway.gslb.resolve.UnknownDomainException} when the aggregator does not serve
     * the domain, and otherwise when the aggregator cannot be asked (no link, or no answer within
     * the request timeout). On an aggregator or master the local resolver answers.
     */
    public CompletableFuture<Optional<Resolution>> resolveViaAggregator(String domain, InetAddress client) {
        if (branch != null) {
            return branch.resolve(domain, client);
        }
        if (aggregator != null && resolver != null) {
            // an aggregator is its own aggregator: it answers from its table
            return io.spillway.gslb.resolve.AsyncResolver.of(resolver).resolve(domain, client);
        }
        return CompletableFuture.failedFuture(new IOException("GSLB node " + config.site() + " is not started"));
    }

    public GslbConfig config() {
        return config;
    }

    public SiteTable table() {
        return table;
    }

    /** The branch role, or null. */
    public Branch branch() {
        return branch;
    }

    /** The aggregator (also for a master), or null. */
    public Aggregator aggregator() {
        return aggregator;
    }

    /** The master role, or null. */
    public Master master() {
        return master;
    }

    @Override
    public synchronized void close() {
        if (branch != null) {
            branch.close();
        }
        if (master != null) {
            master.close();
        } else if (aggregator != null) {
            aggregator.close();
        }
    }
}
