package io.spillway.core.gslb.select;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubnetTest {

    @Test
    void ipv4SubnetContainsItsAddressesOnly() {
        Subnet s = Subnet.parse("10.1.0.0/16");
        assertThat(s.contains(IpLiteral.parse("10.1.255.3").orElseThrow())).isTrue();
        assertThat(s.contains(IpLiteral.parse("10.2.0.1").orElseThrow())).isFalse();
        assertThat(s.contains(IpLiteral.parse("::ffff:0a01:0001").orElseThrow()))
                .as("an IPv4-mapped address is parsed as IPv4 by the JDK").isTrue();
        assertThat(s.contains(IpLiteral.parse("2001:db8::1").orElseThrow())).isFalse();
        assertThat(s.contains(null)).isFalse();
    }

    @Test
    void hostBitsAreMaskedAndABareAddressIsAHostRoute() {
        assertThat(Subnet.parse("10.1.2.3/8")).isEqualTo(Subnet.parse("10.0.0.0/8"));
        assertThat(Subnet.parse("192.0.2.1").contains(IpLiteral.parse("192.0.2.2").orElseThrow())).isFalse();
        assertThat(Subnet.parse("0.0.0.0/0").contains(IpLiteral.parse("203.0.113.9").orElseThrow())).isTrue();
        assertThat(Subnet.parse("2001:db8::/32").contains(IpLiteral.parse("2001:db8:ffff::1").orElseThrow())).isTrue();
        assertThat(Subnet.parse("10.1.0.0/16")).hasToString("10.1.0.0/16");
    }

    @Test
    void badSubnetsAreRejectedWithAClearMessage() {
        assertThatThrownBy(() -> Subnet.parse("10.0.0.0/33")).hasMessageContaining("prefix length outside 0-32");
        assertThatThrownBy(() -> Subnet.parse("example.com/8")).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> Subnet.parse("10.0.0.0/x")).hasMessageContaining("bad prefix length");
    }

    @Test
    void ipLiteralsParseWithoutLookingNamesUp() {
        assertThat(IpLiteral.parse("127.0.0.1")).isPresent();
        assertThat(IpLiteral.parse("::1")).isPresent();
        assertThat(IpLiteral.parse("localhost")).isEmpty();
        assertThat(IpLiteral.parse("1.2.3.256")).isEmpty();
        assertThat(IpLiteral.parse("1.2.3")).isEmpty();
        assertThat(IpLiteral.parse("1.2.3.4.5")).isEmpty();
        assertThat(IpLiteral.parse("1..3.4")).isEmpty();
        assertThat(IpLiteral.parse("fe80::1%eth0")).isEmpty();
        assertThat(IpLiteral.parse("12:zz::1")).isEmpty();
        assertThat(IpLiteral.parse(":::")).isEmpty();
        assertThat(IpLiteral.parse("")).isEmpty();
        assertThat(IpLiteral.parse(null)).isEmpty();
    }
}
