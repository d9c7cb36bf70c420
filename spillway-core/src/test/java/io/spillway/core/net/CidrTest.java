package io.spillway.core.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    private static IpAddress ip(String text) {
        return IpAddress.parse(text).orElseThrow();
    }

    @Test
    void matchesAddressesInsideItsPrefixOnly() {
        Cidr net = Cidr.parse("10.1.0.0/20");
        assertThat(net.prefix()).isEqualTo(20);
        assertThat(net.contains(ip("10.1.15.255"))).isTrue();
        assertThat(net.contains(ip("10.1.16.0"))).isFalse();
        assertThat(net.contains(ip("2001:db8::1"))).as("other family").isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(ip("2001:db9::1"))).isFalse();
        assertThat(Cidr.parse("2001:db8::/100").contains(ip("2001:db8::fff:ffff"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/100").contains(ip("2001:db8::1000:0"))).isFalse();
        assertThat(Cidr.parse("::/0").contains(ip("10.0.0.1"))).isFalse();
    }

    @Test
    void matchesJdkAddressesAsTheJdkSpellsThem() throws Exception {
        Cidr net = Cidr.parse("10.1.0.0/16");
        assertThat(net.contains(InetAddress.getByName("10.1.255.3"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(net.contains(InetAddress.getByName("::ffff:0a01:0001")))
                .as("the JDK turns a mapped address into IPv4").isTrue();
        assertThat(net.contains(InetAddress.getByName("2001:db8::1"))).isFalse();
        assertThat(net.contains((InetAddress) null)).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
    }

    @Test
    void aBareAddressIsAHostRouteAndTheNetworkIsMasked() {
        assertThat(Cidr.parse("192.0.2.7").prefix()).isEqualTo(32);
        assertThat(Cidr.parse("2001:db8::7").prefix()).isEqualTo(128);
        assertThat(Cidr.parse("192.0.2.1").contains(ip("192.0.2.2"))).isFalse();
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse(" 10.1.0.0 / 16 ")).hasToString("10.1.0.0/16");
        assertThat(Cidr.parse("2001:DB8::/32")).hasToString("2001:db8::/32");
    }

    @Test
    void refusesMalformedSubnetsWithAReason() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length outside 0-32");
        assertThatThrownBy(() -> Cidr.parse("2001:db8::/129")).hasMessageContaining("prefix length outside 0-128");
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("net/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/")).hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/-1")).hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/+8")).hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/0008")).hasMessageContaining("bad prefix length");
        assertThatThrownBy(() -> Cidr.parse(null)).hasMessageContaining("got nothing");
    }
}
