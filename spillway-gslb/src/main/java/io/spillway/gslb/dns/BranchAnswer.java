package io.spillway.gslb.dns;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.net.IpAddress;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DNS record that sends a client to a chosen branch. A branch publishes its address as
 * {@code host:port}; DNS can only carry the host (clients connect to the port they already
 * know). An IPv4 literal answers A queries, an IPv6 literal AAAA queries, each with NODATA for
 * the other family. A host name is answered with a CNAME to it, whatever the address type
 * asked, and the client's resolver follows it: the branch's own DNS stays in charge of its
 * addresses. TTL: the domain's.
 *
 * <p>Parsed hosts are cached (there is one per branch address); the cache is cleared if it
 * ever grows past {@value #MAX_CACHED}, so it cannot grow without bound.
 */
final class BranchAnswer {

    static final int MAX_CACHED = 10_000;

    private final ConcurrentHashMap<String, Object> hosts = new ConcurrentHashMap<>();

    /** The answer record for {@code qtype}, or empty for NODATA. */
    Optional<Record> record(Name qname, int qtype, Resolution resolution) {
        Object target = target(resolution.address().host());
        long ttl = Math.max(0, resolution.ttl().toSeconds());
        if (target instanceof InetAddress address) {
            boolean v4 = address instanceof Inet4Address;
            if (v4 && qtype == Type.A) {
                return Optional.of(new ARecord(qname, DClass.IN, ttl, address));
            }
            if (!v4 && qtype == Type.AAAA) {
                return Optional.of(new AAAARecord(qname, DClass.IN, ttl, address));
            }
            return Optional.empty();
        }
        if (target instanceof Name alias) {
            return Optional.of(new CNAMERecord(qname, DClass.IN, ttl, alias));
        }
        return Optional.empty();
    }

    /** The branch's address when it is an IP literal of the family asked for, else null. */
    InetAddress address(Resolution resolution, boolean v6) {
        Object target = target(resolution.address().host());
        if (target instanceof InetAddress a && (a instanceof Inet4Address) != v6) {
            return a;
        }
        return null;
    }

    private Object target(String host) {
        Object cached = hosts.get(host);
        if (cached != null) {
            return cached;
        }
        Object parsed = IpAddress.parse(host).map(a -> (Object) a.toInetAddress()).orElseGet(() -> alias(host));
        if (hosts.size() >= MAX_CACHED) {
            hosts.clear();
        }
        hosts.put(host, parsed);
        return parsed;
    }

    /** A host name as an absolute DNS name; a name DNS cannot carry yields NODATA (a false marker). */
    private static Object alias(String host) {
        try {
            return DnsZones.name(host);
        } catch (IllegalArgumentException e) {
            return Boolean.FALSE;
        }
    }
}
