package io.spillway.config;

import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.ResolveMode;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/** Reads the {@code gslb} section (SPEC G1-G8). */
final class GslbSection {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final int STALE_INTERVALS = 3;
    static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    private GslbSection() {
    }

    static GslbConfig read(Fields f) {
        ReadContext ctx = f.context();
        String site = f.requiredString("site");
        GslbRole role = f.requiredEnum("role", GslbRole.class);
        Fields exchangeFields = f.child("exchange");
        GslbConfig.Exchange exchange = exchange(exchangeFields == null
                ? Fields.of(new YamlNode.Scalar("", true, YamlNode.Mark.START), f.path("exchange"), ctx)
                : exchangeFields, role == GslbRole.MASTER ? site : null);
        List<GslbConfig.Publish> publish = f.list("publish", (n, p) -> publish(Fields.of(n, p, ctx)));
        List<GslbConfig.Domain> domains = f.list("domains", (n, p) -> domain(Fields.of(n, p, ctx)));
        GslbConfig.Dns dns = dns(f.child("dns"));
        Fields resolveFields = f.child("resolve");
        HostPort resolve = resolveFields == null ? null : resolveFields.hostPort("listen");
        ResolveMode mode = resolveFields == null ? ResolveMode.REDIRECT
                : resolveFields.enumValue("mode", ResolveMode.REDIRECT, ResolveMode.class);
        if (resolveFields != null) {
            resolveFields.finish();
        }
        f.finish();
        return new GslbConfig(site, role, exchange, publish, domains, dns, resolve, mode);
    }

    /**
     * The master's snapshot file when neither it nor etcd is given: named after the site, in the
     * working directory.
     */
    static String defaultSnapshotFile(String site) {
        return site + ".snapshot.json";
    }

    /** @param masterSite the site's name when this appliance is the master (it keeps a snapshot), else null */
    private static GslbConfig.Exchange exchange(Fields f, String masterSite) {
        HostPort listen = f.hostPort("listen");
        HostPort aggregator = f.hostPort("aggregator");
        List<HostPort> peers = f.hostPorts("peers");
        List<HostPort> master = f.hostPorts("master");
        Duration interval = f.duration("interval", DEFAULT_INTERVAL, Duration.ofMillis(1), true);
        Duration staleAfter = f.duration("staleAfter", interval.multipliedBy(STALE_INTERVALS), Duration.ZERO, true);
        String secret = f.string("secret");
        GslbConfig.ExchangeTls tls = TlsSections.exchange(f.child("tls"));
        String snapshotFile = f.string("snapshotFile");
        List<URI> etcd = f.list("etcd", (n, p) -> ClusterSection.endpoint(n, p, f.context()));
        if (snapshotFile == null && masterSite != null && !f.has("snapshotFile") && !f.has("etcd")) {
            snapshotFile = defaultSnapshotFile(masterSite);
        }
        f.finish();
        return new GslbConfig.Exchange(listen, aggregator, peers, master, interval, staleAfter, secret, tls,
                snapshotFile, etcd);
    }

    private static GslbConfig.Publish publish(Fields f) {
        String domain = f.requiredString("domain");
        String vserver = f.requiredString("vserver");
        HostPort address = f.requiredHostPort("address");
        f.finish();
        return new GslbConfig.Publish(domain, vserver, address);
    }

    private static GslbConfig.Domain domain(Fields f) {
        ReadContext ctx = f.context();
        String name = f.requiredString("name");
        GslbMethod method = f.enumValue("method", GslbMethod.LEASTLOAD, GslbMethod.class);
        Duration ttl = f.duration("ttl", DEFAULT_TTL, Duration.ZERO, false);
        Duration persistence = f.duration("persistence", Duration.ZERO, Duration.ZERO, false);
        List<GslbConfig.Proximity> proximity = f.list("proximity", (n, p) -> proximity(Fields.of(n, p, ctx)));
        f.finish();
        return new GslbConfig.Domain(name, method, ttl, persistence, proximity);
    }

    private static GslbConfig.Proximity proximity(Fields f) {
        String subnet = f.requiredString("subnet");
        List<String> sites = f.strings("sites");
        if (sites.isEmpty() && !f.has("sites")) {
            f.missing("sites");
        }
        f.finish();
        return new GslbConfig.Proximity(subnet, sites);
    }

    private static GslbConfig.Dns dns(Fields f) {
        if (f == null) {
            return null;
        }
        HostPort listen = f.requiredHostPort("listen");
        List<String> zones = f.strings("zones");
        f.finish();
        return new GslbConfig.Dns(listen, zones);
    }
}
