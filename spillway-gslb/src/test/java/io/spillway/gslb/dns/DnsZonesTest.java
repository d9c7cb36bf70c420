package io.spillway.gslb.dns;

import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsZonesTest {

    private static GslbConfig.Domain domain(String name) {
        return new GslbConfig.Domain(name, GslbMethod.LEASTLOAD, Duration.ofSeconds(5), null, List.of());
    }

    private static List<String> apexes(DnsZones zones) {
        return zones.zones().stream().map(DnsZones.Zone::label).sorted().toList();
    }

    @Test
    void eachDomainsParentIsAZoneByDefaultButNeverATopLevelDomain() {
        DnsZones zones = new DnsZones(List.of(), List.of(domain("app.example.com"), domain("www.shop.example.com"),
                domain("example.org"), domain("localhost")), HostPort.parse("127.0.0.1:53"), 1);
        assertThat(apexes(zones)).containsExactly("example.com", "example.org", "localhost", "shop.example.com");
        assertThat(zones.zoneOf(DnsZones.name("x.shop.example.com"))).map(DnsZones.Zone::label).contains("shop.example.com");
        assertThat(zones.zoneOf(DnsZones.name("example.net"))).isEmpty();
        assertThat(zones.zoneOf(DnsZones.name("com"))).isEmpty();
    }

    @Test
    void configuredZonesReplaceTheDefaultAndUncoveredDomainsAddTheirParent() {
        DnsZones zones = new DnsZones(List.of("gslb.example.com"), List.of(domain("app.gslb.example.com"),
                domain("api.example.net")), HostPort.parse("0.0.0.0:53"), 1);
        assertThat(apexes(zones)).containsExactly("example.net", "gslb.example.com");
        assertThat(zones.nameServerAddress(DnsZones.name("ns.gslb.example.com"), org.xbill.DNS.Type.A))
                .as("a wildcard listen address is no name server address").isEmpty();
        assertThat(zones.isNameServer(DnsZones.name("ns.gslb.example.com"))).isTrue();
    }

    @Test
    void invalidNamesAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> DnsZones.name("a..b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a DNS name");
    }
}
