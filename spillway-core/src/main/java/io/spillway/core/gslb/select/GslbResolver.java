package io.spillway.core.gslb.select;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.gslb.SiteTable;
import io.spillway.core.gslb.SiteTable.Candidate;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.internal.select.AffinityTable;
import io.spillway.core.internal.select.CoarseClock;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Resolution of GSLB domains over the site table (SPEC G5, G7): for each configured domain,
 * the candidates are the sites whose report is fresh and whose vServer for the domain is UP;
 * a client pinned by persistence to one of them keeps it, otherwise the domain's selection
 * method chooses and, with persistence on, the client is pinned to the choice.
 *
 * <p>A pin is dropped the moment its site stops being a candidate (stale report, vServer DOWN,
 * domain no longer published), and the client is resolved afresh: the check is made on every
 * lookup against the live table, so no event can be missed. A client is pinned by its full
 * address (for a query with EDNS Client Subnet, the subnet's address, so a whole subnet sticks
 * together) in the domain's {@link AffinityTable}. Everything here is pure logic over immutable
 * reports and thread-safe; a resolution allocates a little and never blocks.
 */
public final class GslbResolver implements Resolver {

    /** Bound on pinned clients per domain. */
    static final long MAX_PERSISTED_CLIENTS = 200_000;

    private record Selector(GslbConfig.Domain domain, SelectionMethod method, AffinityTable<String> persistence) {
    }

    private final Map<String, Selector> selectors;
    private final SiteTable table;

    public GslbResolver(List<GslbConfig.Domain> domains, SiteTable table) {
        this(domains, table, CoarseClock.system());
    }

    /** @param nanoClock nanosecond clock for persistence timeouts (tests pass a controllable one) */
    public GslbResolver(List<GslbConfig.Domain> domains, SiteTable table, LongSupplier nanoClock) {
        this.table = table;
        Map<String, Selector> map = new HashMap<>();
        for (GslbConfig.Domain d : domains) {
            Duration p = d.persistence();
            AffinityTable<String> persistence = p != null && !p.isZero() && !p.isNegative()
                    ? new AffinityTable<>(p, 32, 128, MAX_PERSISTED_CLIENTS, nanoClock) : null;
            map.put(normalize(d.name()), new Selector(d, SelectionMethod.of(d), persistence));
        }
        this.selectors = Map.copyOf(map);
    }

    @Override
    public Optional<Resolution> resolve(String domain, InetAddress client) {
        Selector selector = domain == null ? null : selectors.get(normalize(domain));
        if (selector == null) {
            return Optional.empty();
        }
        GslbConfig.Domain config = selector.domain();
        List<Candidate> candidates = table.candidates(config.name());
        AffinityTable<String> persistence = client == null ? null : selector.persistence();
        if (candidates.isEmpty()) {
            if (persistence != null) {
                persistence.remove(client);
            }
            return Optional.empty();
        }
        Candidate chosen = null;
        if (persistence != null) {
            String pinned = persistence.get(client);
            if (pinned != null) {
                chosen = find(candidates, pinned);
                if (chosen == null) {
                    persistence.remove(client);
                }
            }
        }
        if (chosen == null) {
            chosen = selector.method().choose(candidates, client);
            if (persistence != null) {
                persistence.put(client, chosen.site());
            }
        }
        return Optional.of(new Resolution(config.name(), chosen.site(), chosen.domain().address(), ttl(config)));
    }

    @Override
    public long version() {
        return table.version();
    }

    @Override
    public boolean serves(String domain) {
        return domain != null && selectors.containsKey(normalize(domain));
    }

    /** Pinned clients for {@code domain} (for tests and the management interface). */
    public long persistedClients(String domain) {
        Selector s = selectors.get(normalize(domain));
        return s == null || s.persistence() == null ? 0 : s.persistence().size();
    }

    /**
     * Whether a domain's answer depends on who asks: by its method (source-IP hash, static
     * proximity) or by persistence. A DNS answer for such a domain is scoped to the client's
     * subnet (EDNS Client Subnet); any other answer is valid for everyone.
     */
    public static boolean answerDependsOnClient(GslbConfig.Domain domain) {
        Duration p = domain.persistence();
        boolean persistent = p != null && !p.isZero() && !p.isNegative();
        return persistent || SelectionMethod.of(domain).dependsOnClient();
    }

    private static Candidate find(List<Candidate> candidates, String site) {
        for (Candidate c : candidates) {
            if (c.site().equals(site)) {
                return c;
            }
        }
        return null;
    }

    private static Duration ttl(GslbConfig.Domain d) {
        return d.ttl() == null ? Duration.ofSeconds(5) : d.ttl();
    }

    static String normalize(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }
}
