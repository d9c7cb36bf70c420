package io.spillway.core.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpAddressTest {

    private static IpAddress ip(String text) {
        return IpAddress.parse(text).orElseThrow();
    }

    @Test
    void parsesIpv4LiteralsAsFourBytes() {
        assertThat(ip("192.0.2.10").bytes()).containsExactly(192, 0, 2, 10);
        assertThat(ip("192.0.2.10").isIpv4()).isTrue();
        assertThat(ip("192.0.2.10").ipv4Bits()).isEqualTo(0xc000020a);
        assertThat(ip("0.0.0.0").ipv4Bits()).isZero();
        assertThat(ip("255.255.255.255").ipv4Bits()).isEqualTo(-1);
    }

    @Test
    void parsesIpv6LiteralsAsSixteenBytes() {
        assertThat(ip("2001:db8::1").bytes()).hasSize(16);
        assertThat(ip("2001:db8::1").high()).isEqualTo(0x20010db800000000L);
        assertThat(ip("2001:db8::1").low()).isEqualTo(1);
        assertThat(ip("::").high()).isZero();
        assertThat(ip("1:2:3:4:5:6:7:8").low()).isEqualTo(0x0005000600070008L);
        assertThat(ip("1::").high()).isEqualTo(0x0001000000000000L);
        assertThat(ip("FE80::ABCD").low()).isEqualTo(0xabcd);
    }

    @Test
    void keepsAnIpv4MappedLiteralSixteenBytesLong() {
        IpAddress mapped = ip("::ffff:10.0.0.1");
        assertThat(mapped.isIpv4()).isFalse();
        assertThat(mapped.bytes()).hasSize(16);
        assertThat(mapped.low()).isEqualTo(0x0000ffff0a000001L);
        assertThat(ip("::ffff:0a00:0001")).isEqualTo(mapped);
        assertThat(mapped).isNotEqualTo(ip("10.0.0.1"));
        assertThat(mapped.toInetAddress()).as("the JDK makes it IPv4").isEqualTo(ip("10.0.0.1").toInetAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "256.0.0.1", "1.2.3", "1.2.3.4.5", "1..3.4", "1.2.3.4.", "01234.1.1.1", "+1.2.3.4",
            "example.com", "localhost", "2001:db8::g", "fe80::1%eth0", "12:zz::1", ":::", "1:::2", "1::2::3",
            ":1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8::", "12345::", "[::1]",
            "::1.2.3", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "\uff11.2.3.4", "\uff11::"})
    void refusesWhatIsNotALiteral(String text) {
        assertThat(IpAddress.parse(text)).isEmpty();
        assertThat(IpAddress.isLiteral(text)).isFalse();
    }

    @Test
    void refusesNothingAndOverlongText() {
        assertThat(IpAddress.parse(null)).isEmpty();
        assertThat(IpAddress.parse("1".repeat(46))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "::1", "2001:db8::1", "::ffff:10.0.0.1", "1:2:3:4:5:6:1.2.3.4",
            "fe80::1:2", "1:0:0:2::3", "2001:db8:0:0:1:0:0:1", "0.0.0.0", "::"})
    void agreesWithTheJdkOnEveryLiteralItAccepts(String text) throws Exception {
        assertThat(ip(text).toInetAddress()).isEqualTo(InetAddress.getByName(text));
        assertThat(IpAddress.of(InetAddress.getByName(text))).isEqualTo(IpAddress.of(ip(text).toInetAddress()));
    }

    @Test
    void writesIpv6InTheRfc5952Form() {
        assertThat(ip("2001:0DB8:0000:0000:0001:0000:0000:0001")).hasToString("2001:db8::1:0:0:1");
        assertThat(ip("1:0:0:2::3")).as("the longest run").hasToString("1:0:0:2::3");
        assertThat(ip("1:0:0:2:0:0:3:4")).as("of equal runs, the first").hasToString("1::2:0:0:3:4");
        assertThat(ip("1:0:2:3:4:5:6:7")).as("one zero group stays").hasToString("1:0:2:3:4:5:6:7");
        assertThat(ip("::")).hasToString("::");
        assertThat(ip("::1")).hasToString("::1");
        assertThat(ip("fe80::")).hasToString("fe80::");
        assertThat(ip("10.1.2.3")).hasToString("10.1.2.3");
    }

    @Test
    void masksToAPrefix() {
        assertThat(ip("10.1.2.3").mask(8)).isEqualTo(ip("10.0.0.0"));
        assertThat(ip("10.1.2.3").mask(0)).isEqualTo(ip("0.0.0.0"));
        assertThat(ip("10.1.2.3").mask(32)).isEqualTo(ip("10.1.2.3"));
        assertThat(ip("2001:db8:1:2:3:4:5:6").mask(32)).isEqualTo(ip("2001:db8::"));
        assertThat(ip("2001:db8:1:2:3:4:5:6").mask(80)).isEqualTo(ip("2001:db8:1:2:3::"));
        assertThat(ip("2001:db8:1:2:3:4:5:6").mask(128)).isEqualTo(ip("2001:db8:1:2:3:4:5:6"));
        assertThatThrownBy(() -> ip("10.0.0.1").mask(33)).hasMessageContaining("outside 0-32");
    }

    @Test
    void convertsFromTheJdkAndBytesWithoutLosingTheFamily() throws Exception {
        assertThat(IpAddress.of(InetAddress.getByName("192.0.2.1"))).isEqualTo(ip("192.0.2.1"));
        assertThat(IpAddress.of(InetAddress.getByName("2001:db8::7"))).isEqualTo(ip("2001:db8::7"));
        assertThat(IpAddress.of(ip("2001:db8::7").bytes())).isEqualTo(ip("2001:db8::7"));
        assertThatThrownBy(() -> IpAddress.of(new byte[5])).hasMessageContaining("4 or 16 bytes");
    }
}
