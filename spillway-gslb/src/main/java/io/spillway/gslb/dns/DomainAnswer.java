package io.spillway.gslb.dns;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;
import io.spillway.core.gslb.select.GslbResolver;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * One GSLB domain as the DNS server answers it, with its answer kept encoded when the answer is
 * the same for every query.
 *
 * <h2>Which answers are kept</h2>
 * A domain is <b>shared</b> when its answer depends neither on the client nor on the query:
 * least load, least connection and least response time without persistence. For a shared
 * domain the branch is chosen once per {@linkplain Resolver#version() version} of the site
 * table — a report stored, a site gone stale, {@code staleAfter} changed — and its A
 * and AAAA answer records (owner: a pointer to the question; type, class, TTL, address) are
 * encoded then; a query only compares the version it reads with the one the answer was made at.
 * Every other domain takes the per-query path, which resolves each query for its client:
 * <ul>
 *   <li>source-IP hash and static proximity choose by the client's address (or its EDNS Client
 *       Subnet), so one answer per subnet would have to be kept; resolving is a hash or a rule
 *       match over the cached candidate list and cheaper than such a cache;</li>
 *   <li>persistence reads and refreshes the client's pin on every resolution (G7): skipping the
 *       resolution would let pins expire while the client is still being answered;</li>
 *   <li>round robin takes the next turn on every resolution;</li>
 *   <li>a resolver without a version stamp ({@link Resolver#UNVERSIONED}).</li>
 * </ul>
 * Either way the answer's header and question are the query's own bytes (its ID, its RD bit,
 * its question in the case the client wrote it — DNS 0x20), and the EDNS OPT record echoes the
 * client's DO bit and Client Subnet option ({@link SimpleQuery#answer}): only these are written
 * per query.
 *
 * <p>Two event loops may rebuild the same answer at once after a change; both build the same
 * bytes, and an answer stored under an older version is simply rebuilt by the next query.
 */
final class DomainAnswer {

    /**
     * A shared domain's answer at one table version.
     *
     * @param resolution the chosen branch, or null when none is available (SERVFAIL)
     * @param a          the encoded A record, or null when the branch's address is not IPv4
     * @param aaaa       the encoded AAAA record, or null when the branch's address is not IPv6
     */
    record Prepared(long version, Resolution resolution, byte[] a, byte[] aaaa) {

        /** The encoded record for {@code type}; null for the general path (CNAME or NODATA). */
        byte[] record(int type) {
            return type == SimpleQuery.TYPE_AAAA ? aaaa : a;
        }
    }

    private final GslbConfig.Domain config;
    private final boolean clientScoped;
    private final boolean shared;
    private final LongAdder noError;
    private final LongAdder serverFailure;
    private volatile Prepared prepared;

    DomainAnswer(GslbConfig.Domain config, DnsQueryCounts counts) {
        this.config = config;
        this.clientScoped = GslbResolver.answerDependsOnClient(config);
        this.shared = !clientScoped && config.method() != GslbMethod.ROUNDROBIN;
        this.noError = counts.counter(config.name(), "NOERROR");
        this.serverFailure = counts.counter(config.name(), "SERVFAIL");
    }

    GslbConfig.Domain config() {
        return config;
    }

    /** Whether the answer depends on the client: it carries the Client Subnet scope then. */
    boolean clientScoped() {
        return clientScoped;
    }

    void countNoError() {
        noError.increment();
    }

    void countServerFailure() {
        serverFailure.increment();
    }

    /** The answer kept for the resolver's current version, rebuilt if it is older; null when not kept. */
    Prepared prepared(Resolver resolver, BranchAnswer branches) {
        if (!shared) {
            return null;
        }
        long version = resolver.version();
        if (version == Resolver.UNVERSIONED) {
            return null;
        }
        Prepared p = prepared;
        if (p != null && p.version() == version) {
            return p;
        }
        // the version is read before the table: a change made meanwhile moves it, and the next query rebuilds
        Optional<Resolution> chosen = resolver.resolve(config.name(), null);
        p = chosen.map(r -> new Prepared(version, r, encode(branches.address(r, false), r),
                        encode(branches.address(r, true), r)))
                .orElseGet(() -> new Prepared(version, null, null, null));
        prepared = p;
        return p;
    }

    private static byte[] encode(InetAddress address, Resolution r) {
        return address == null ? null : SimpleQuery.addressRecord(address, Math.max(0, r.ttl().toSeconds()));
    }
}
