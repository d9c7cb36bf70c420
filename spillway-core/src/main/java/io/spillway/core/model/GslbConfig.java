package io.spillway.core.model;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The {@code gslb} section (SPEC G1-G8, D1-D2).
 *
 * @param site    unique name of this appliance in the hierarchy
 * @param role    branch, aggregator or master
 * @param publish branch: what it offers to the hierarchy
 * @param domains aggregator, master: domains it answers for
 * @param dns     authoritative DNS listener, or null
 * @param resolve HTTP resolution listener address, or null
 * @param resolveMode G6: whether clients are only redirected to the chosen branch, or may also be
 *                proxied there by vServers with {@code gslb: {domain}} ({@link VServerConfig#gslb()})
 */
public record GslbConfig(
        String site,
        GslbRole role,
        Exchange exchange,
        List<Publish> publish,
        List<Domain> domains,
        Dns dns,
        HostPort resolve,
        ResolveMode resolveMode) {

    public GslbConfig {
        publish = publish == null ? List.of() : List.copyOf(publish);
        domains = domains == null ? List.of() : List.copyOf(domains);
        resolveMode = resolveMode == null ? ResolveMode.REDIRECT : resolveMode;
    }

    /** A section in redirect mode (the default of {@code gslb.resolve.mode}). */
    public GslbConfig(String site, GslbRole role, Exchange exchange, List<Publish> publish, List<Domain> domains,
                      Dns dns, HostPort resolve) {
        this(site, role, exchange, publish, domains, dns, resolve, ResolveMode.REDIRECT);
    }

    /**
     * @param listen     aggregator, master: where branches and peers connect
     * @param aggregator branch: the one aggregator it knows (G1)
     * @param peers      aggregator: other aggregators (G3)
     * @param master     aggregator: the master (G4), or the masters that elect one active among them
     *                   (issue 12), tried in order; empty without a master
     * @param interval   report and exchange interval (down to 1ms)
     * @param staleAfter G2: a site silent this long is unavailable
     * @param secret     shared secret proven by HMAC challenge-response, or null with mutual TLS
     * @param tls        this appliance's certificate for the exchange (mutual TLS), or null
     * @param snapshotFile master: where the durable snapshot is kept
     * @param etcd       master: etcd client URLs where the durable state is kept instead of
     *                   snapshotFile, and where masters of the same site elect the active one
     *                   (issue 12); empty without etcd
     */
    public record Exchange(
            HostPort listen,
            HostPort aggregator,
            List<HostPort> peers,
            List<HostPort> master,
            Duration interval,
            Duration staleAfter,
            String secret,
            ExchangeTls tls,
            String snapshotFile,
            List<URI> etcd) {

        public Exchange {
            peers = peers == null ? List.of() : List.copyOf(peers);
            master = master == null ? List.of() : List.copyOf(master);
            etcd = etcd == null ? List.of() : List.copyOf(etcd);
        }
    }

    /**
     * Mutual TLS for the exchange: own certificate and key, the CA that signs the peers', and the
     * protocol versions and cipher suites offered both ways.
     */
    public record ExchangeTls(String certificate, String key, String ca, TlsPolicy policy) {

        public ExchangeTls {
            policy = policy == null ? TlsPolicy.DEFAULT : policy;
        }

        public ExchangeTls(String certificate, String key, String ca) {
            this(certificate, key, ca, TlsPolicy.DEFAULT);
        }
    }

    /** A domain a branch publishes: its vServer's state is reported under this name. */
    public record Publish(String domain, String vserver, HostPort address) {
    }

    /**
     * A domain an aggregator answers for.
     *
     * @param proximity staticproximity: client subnets mapped to preferred sites, in order
     */
    public record Domain(
            String name,
            GslbMethod method,
            Duration ttl,
            Duration persistence,
            List<Proximity> proximity) {

        public Domain {
            proximity = proximity == null ? List.of() : List.copyOf(proximity);
        }
    }

    /** Clients in {@code subnet} (CIDR) prefer these sites, first one first. */
    public record Proximity(String subnet, List<String> sites) {
        public Proximity {
            sites = sites == null ? List.of() : List.copyOf(sites);
        }
    }

    /**
     * @param listen UDP and TCP address of the authoritative DNS server
     * @param zones  zone apexes served (SOA/NS answered there); empty: each domain's parent
     */
    public record Dns(HostPort listen, List<String> zones) {
        public Dns {
            zones = zones == null ? List.of() : List.copyOf(zones);
        }
    }
}
