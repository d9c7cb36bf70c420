package io.spillway.core.runtime;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class PersistenceTableTest {

    private final String target = "t";

    @Test
    void entriesExpireAfterTheTimeoutSinceLastUse() throws Exception {
        AtomicLong now = new AtomicLong();
        PersistenceTable table = new PersistenceTable(Duration.ofSeconds(10), 32, 100, now::get);
        InetAddress a = InetAddress.getByName("10.1.1.1");
        table.put(a, target);

        now.addAndGet(Duration.ofSeconds(8).toNanos());
        assertThat(table.get(a)).isEqualTo(target);
        now.addAndGet(Duration.ofSeconds(8).toNanos());
        assertThat(table.get(a)).isEqualTo(target);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(table.get(a)).isNull();
    }

    @Test
    void tableIsBounded() throws Exception {
        PersistenceTable table = new PersistenceTable(Duration.ofMinutes(1), 32, 50);
        for (int i = 0; i < 1000; i++) {
            table.put(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), target);
        }
        assertThat(table.size()).isLessThanOrEqualTo(50);
    }

    @Test
    void ipv6AddressesAreMaskedByMaskPlus96() throws Exception {
        PersistenceTable table = new PersistenceTable(Duration.ofMinutes(1), 16, 50);
        table.put(InetAddress.getByName("2001:db8::1:2:3:4"), target);
        assertThat(table.get(InetAddress.getByName("2001:db8::1:2:3:ffff"))).isEqualTo(target);
        assertThat(table.get(InetAddress.getByName("2001:db8::1:2:4:4"))).isNull();
    }

    @Test
    void ipv4AddressesAreMaskedByTheMask() throws Exception {
        PersistenceTable table = new PersistenceTable(Duration.ofMinutes(1), 24, 50);
        table.put(InetAddress.getByName("192.0.2.1"), target);
        assertThat(table.get(InetAddress.getByName("192.0.2.254"))).isEqualTo(target);
        assertThat(table.get(InetAddress.getByName("192.0.3.1"))).isNull();
        table.remove(InetAddress.getByName("192.0.2.77"));
        assertThat(table.get(InetAddress.getByName("192.0.2.1"))).as("removed for the whole /24").isNull();
    }
}
