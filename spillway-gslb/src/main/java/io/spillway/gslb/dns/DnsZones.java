package io.spillway.gslb.dns;

import io.spillway.core.net.IpAddress;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.HostPort;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The zones the DNS server is authoritative for, with their apex records.
 *
 * <p>Zones are {@code dns.zones}, or by default the parent of each GSLB domain (a one-label
 * domain is its own zone); a domain outside every configured zone adds its parent too, so
 * every GSLB domain is answered. Each zone has one name server, {@code ns.<zone>}, whose
 * address is the DNS listener's when that is a specific IP address, so that the delegation
 * the SOA and NS records describe can be checked with {@code dig +trace}-style tools.
 */
final class DnsZones {

    /** TTL of the apex SOA and NS records. */
    static final long APEX_TTL = 3600;
    /** SOA MINIMUM: how long resolvers cache a negative answer (RFC 2308). */
    static final long NEGATIVE_TTL = 60;

    record Zone(Name apex, String label, SOARecord soa, SOARecord negativeSoa, NSRecord ns) {
    }

    private final List<Zone> zones;
    private final Set<Name> names;
    private final InetAddress nameServerAddress;

    DnsZones(List<String> configured, List<GslbConfig.Domain> domains, HostPort listen, long serial) {
        Set<Name> apexes = new LinkedHashSet<>();
        for (String z : configured) {
            apexes.add(name(z));
        }
        Set<Name> gslbNames = new LinkedHashSet<>();
        for (GslbConfig.Domain d : domains) {
            Name n = name(d.name());
            gslbNames.add(n);
            boolean covered = apexes.stream().anyMatch(n::subdomain);
            if (!covered || configured.isEmpty()) {
                // labels() counts the root: a name of three or more labels has its parent as zone
                apexes.add(n.labels() > 3 ? new Name(n, 1) : n);
            }
        }
        List<Zone> list = new ArrayList<>();
        Set<Name> all = new LinkedHashSet<>(gslbNames);
        for (Name apex : apexes) {
            Name ns = concat("ns", apex);
            Name admin = concat("hostmaster", apex);
            all.add(ns);
            list.add(new Zone(apex, apex.toString(true).toLowerCase(java.util.Locale.ROOT),
                    new SOARecord(apex, DClass.IN, APEX_TTL, ns, admin, serial, 3600, 600, 604800, NEGATIVE_TTL),
                    new SOARecord(apex, DClass.IN, NEGATIVE_TTL, ns, admin, serial, 3600, 600, 604800, NEGATIVE_TTL),
                    new NSRecord(apex, DClass.IN, APEX_TTL, ns)));
        }
        // the most specific zone first, so that the first match is the longest
        list.sort(Comparator.comparingInt((Zone z) -> z.apex().labels()).reversed());
        this.zones = List.copyOf(list);
        this.names = Set.copyOf(all);
        this.nameServerAddress = listen == null ? null
                : IpAddress.parse(listen.host()).map(IpAddress::toInetAddress).filter(a -> !a.isAnyLocalAddress()).orElse(null);
    }

    /** The most specific zone holding {@code name}, or empty when the server is not authoritative. */
    Optional<Zone> zoneOf(Name name) {
        for (Zone z : zones) {
            if (name.subdomain(z.apex())) {
                return Optional.of(z);
            }
        }
        return Optional.empty();
    }

    List<Zone> zones() {
        return zones;
    }

    /** Whether {@code name} is a zone's name server, which exists even when it has no address here. */
    boolean isNameServer(Name name) {
        for (Zone z : zones) {
            if (z.ns().getTarget().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The name server's address record of this type, or empty (NODATA). */
    Optional<Record> nameServerAddress(Name name, int type) {
        if (nameServerAddress == null) {
            return Optional.empty();
        }
        boolean v4 = nameServerAddress instanceof Inet4Address;
        if (v4 && (type == Type.A || type == Type.ANY)) {
            return Optional.of(new ARecord(name, DClass.IN, APEX_TTL, nameServerAddress));
        }
        if (!v4 && (type == Type.AAAA || type == Type.ANY)) {
            return Optional.of(new AAAARecord(name, DClass.IN, APEX_TTL, nameServerAddress));
        }
        return Optional.empty();
    }

    /** Whether a name this server answers for lies strictly below {@code name} (an empty non-terminal). */
    boolean hasNamesBelow(Name name) {
        for (Name n : names) {
            if (!n.equals(name) && n.subdomain(name)) {
                return true;
            }
        }
        return false;
    }

    static Name name(String text) {
        try {
            String t = text.endsWith(".") ? text : text + ".";
            return Name.fromString(t);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a DNS name: " + e.getMessage(), e);
        }
    }

    private static Name concat(String label, Name apex) {
        try {
            return Name.concatenate(Name.fromString(label), apex);
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException("zone '" + apex + "' is too long for its name server name", e);
        }
    }
}
