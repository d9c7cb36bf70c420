package io.spillway.core.model.validate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IpLiteralsTest {

    @Test
    void parsesIpv4AndIpv6LiteralsOnly() {
        assertThat(IpLiterals.parse("192.0.2.10")).containsExactly(192, 0, 2, 10);
        assertThat(IpLiterals.parse("2001:db8::1")).hasSize(16);
        assertThat(IpLiterals.parse("::ffff:10.0.0.1")).hasSize(16);
        assertThat(IpLiterals.parse("256.0.0.1")).isNull();
        assertThat(IpLiterals.parse("1.2.3")).isNull();
        assertThat(IpLiterals.parse("example.com")).isNull();
        assertThat(IpLiterals.parse("2001:db8::g")).isNull();
        assertThat(IpLiterals.parse("")).isNull();
    }

    @Test
    void cidrMatchesAddressesInsideItsPrefix() {
        IpLiterals.Cidr net = IpLiterals.Cidr.parse("10.1.0.0/20");
        assertThat(net.prefix()).isEqualTo(20);
        assertThat(net.contains(IpLiterals.parse("10.1.15.255"))).isTrue();
        assertThat(net.contains(IpLiterals.parse("10.1.16.0"))).isFalse();
        assertThat(net.contains(IpLiterals.parse("2001:db8::1"))).isFalse();
        assertThat(IpLiterals.Cidr.parse("0.0.0.0/0").contains(IpLiterals.parse("8.8.8.8"))).isTrue();
        assertThat(IpLiterals.Cidr.parse("2001:db8::/32").contains(IpLiterals.parse("2001:db8:ffff::1"))).isTrue();
        assertThat(IpLiterals.Cidr.parse("192.0.2.7").prefix()).isEqualTo(32);
    }

    @Test
    void rejectsMalformedSubnets() {
        assertThat(IpLiterals.Cidr.parse("10.0.0.0/33")).isNull();
        assertThat(IpLiterals.Cidr.parse("10.0.0.0/")).isNull();
        assertThat(IpLiterals.Cidr.parse("10.0.0.0/x")).isNull();
        assertThat(IpLiterals.Cidr.parse("2001:db8::/129")).isNull();
        assertThat(IpLiterals.Cidr.parse("net/8")).isNull();
    }

    @Test
    void domainNames() {
        assertThat(DomainNames.isValid("app.example.com")).isTrue();
        assertThat(DomainNames.isValid("app.example.com.")).isTrue();
        assertThat(DomainNames.isValid("_srv.example.com")).isTrue();
        assertThat(DomainNames.isValid("a..b")).isFalse();
        assertThat(DomainNames.isValid("-a.b")).isFalse();
        assertThat(DomainNames.isValid("a".repeat(64) + ".com")).isFalse();
        assertThat(DomainNames.canonical("App.Example.COM.")).isEqualTo("app.example.com");
    }
}
