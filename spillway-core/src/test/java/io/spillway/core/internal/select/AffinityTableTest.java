package io.spillway.core.internal.select;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AffinityTableTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private AffinityTable<String> table(Duration timeout, int v4, int v6, long max) {
        return new AffinityTable<>(timeout, v4, v6, max, nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    /** A client of the one bucket of a table of eight entries. */
    private static InetAddress client(int i) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) i});
    }

    @Test
    void aClientKeepsItsTargetWhileItComesBackWithinTheTimeout() throws Exception {
        AffinityTable<String> t = table(Duration.ofSeconds(10), 32, 128, 100);
        t.put(ip("192.0.2.1"), "a");
        advance(Duration.ofSeconds(8));
        assertThat(t.get(ip("192.0.2.1"))).isEqualTo("a");
        advance(Duration.ofSeconds(8));
        assertThat(t.get(ip("192.0.2.1"))).as("the hit at 8 s restarted the timeout").isEqualTo("a");
        advance(Duration.ofSeconds(11));
        assertThat(t.get(ip("192.0.2.1"))).isNull();
        assertThat(t.size()).isZero();
    }

    @Test
    void puttingTheSameTargetAgainRestartsTheTimeoutAndAnotherTargetReplacesIt() throws Exception {
        AffinityTable<String> t = table(Duration.ofSeconds(10), 32, 128, 100);
        t.put(ip("192.0.2.1"), "a");
        advance(Duration.ofSeconds(9));
        t.put(ip("192.0.2.1"), "a");
        advance(Duration.ofSeconds(9));
        assertThat(t.get(ip("192.0.2.1"))).isEqualTo("a");
        t.put(ip("192.0.2.1"), "b");
        assertThat(t.get(ip("192.0.2.1"))).isEqualTo("b");
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void clientsAreKeyedUnderTheirFamilysPrefix() throws Exception {
        AffinityTable<String> t = table(Duration.ofMinutes(1), 24, 64, 100);
        t.put(ip("192.0.2.1"), "v4");
        t.put(ip("2001:db8:0:1::1"), "v6");
        assertThat(t.get(ip("192.0.2.200"))).isEqualTo("v4");
        assertThat(t.get(ip("192.0.3.1"))).isNull();
        assertThat(t.get(ip("2001:db8:0:1:ffff::9"))).isEqualTo("v6");
        assertThat(t.get(ip("2001:db8:0:2::1"))).isNull();
        assertThat(t.get(0xc0000207)).as("raw IPv4 key, same /24").isEqualTo("v4");
        assertThat(t.get(0x20010db800000001L, 0x1234L)).as("raw IPv6 key, same /64").isEqualTo("v6");
        assertThat(t.get(ip("::ffff:192.0.2.1"))).as("the JDK's IPv4-mapped address is the IPv4 client").isEqualTo("v4");
        t.remove(ip("192.0.2.99"));
        assertThat(t.get(ip("192.0.2.1"))).isNull();
        assertThat(t.get(ip("2001:db8:0:1::1"))).isEqualTo("v6");
    }

    @Test
    void capacityIsMaxEntriesRoundedDownToWholeBucketsOfSixteen() {
        assertThat(table(Duration.ofMinutes(1), 32, 128, 50).capacity()).isEqualTo(48);
        assertThat(table(Duration.ofMinutes(1), 32, 128, 40).capacity()).isEqualTo(32);
        assertThat(table(Duration.ofMinutes(1), 32, 128, 100_000).capacity()).isEqualTo(100_000);
        assertThat(table(Duration.ofMinutes(1), 32, 128, 5).capacity()).isEqualTo(5);
        assertThat(table(Duration.ofMinutes(1), 32, 128, 1).capacity()).isEqualTo(1);
    }

    @Test
    void neverHoldsMoreThanItsCapacity() throws Exception {
        AffinityTable<String> t = table(Duration.ofMinutes(1), 32, 128, 50);
        for (int i = 0; i < 1000; i++) {
            t.put(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}), "t");
            assertThat(t.size()).isLessThanOrEqualTo(48);
        }
        assertThat(t.size()).as("a full table stays full").isEqualTo(48);
    }

    @Test
    void aFullBucketEvictsItsLeastRecentlyUsedEntry() throws Exception {
        AffinityTable<String> t = table(Duration.ofMinutes(1), 32, 128, 8); // fewer than sixteen: one bucket of eight ways
        for (int i = 0; i < 8; i++) {
            t.put(client(i), "t" + i);
            advance(Duration.ofMillis(10));
        }
        assertThat(t.get(client(0))).isEqualTo("t0"); // now client 1 is the least recently used
        advance(Duration.ofMillis(10));
        t.put(client(8), "t8");
        assertThat(t.get(client(1))).isNull();
        for (int i : new int[] {0, 2, 3, 4, 5, 6, 7, 8}) {
            assertThat(t.get(client(i))).isEqualTo("t" + i);
        }
    }

    @Test
    void anExpiredEntryMakesRoomBeforeALiveOneIsEvicted() throws Exception {
        AffinityTable<String> t = table(Duration.ofSeconds(10), 32, 128, 8);
        t.put(client(3), "old");
        advance(Duration.ofSeconds(6));
        for (int i : new int[] {0, 1, 2, 4, 5, 6, 7}) {
            t.put(client(i), "t" + i);
        }
        advance(Duration.ofSeconds(5)); // client 3 expired, the others are 5 s old
        t.put(client(8), "t8");
        for (int i : new int[] {0, 1, 2, 4, 5, 6, 7, 8}) {
            assertThat(t.get(client(i))).isEqualTo("t" + i);
        }
        assertThat(t.size()).isEqualTo(8);
    }

    @Test
    void refusesSettingsItCannotHonour() {
        assertThatThrownBy(() -> table(Duration.ZERO, 32, 128, 10)).hasMessageContaining("positive");
        assertThatThrownBy(() -> table(Duration.ofSeconds(1), 33, 128, 10)).hasMessageContaining("prefix");
        assertThatThrownBy(() -> table(Duration.ofSeconds(1), 32, 129, 10)).hasMessageContaining("prefix");
        assertThatThrownBy(() -> table(Duration.ofSeconds(1), 32, 128, 0)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> table(Duration.ofSeconds(1), 32, 128, 10).put(ip("10.0.0.1"), null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void anEnormousTimeoutNeverExpires() throws Exception {
        AffinityTable<String> t = table(Duration.ofSeconds(Long.MAX_VALUE), 32, 128, 10);
        t.put(ip("10.0.0.1"), "a");
        advance(Duration.ofDays(365 * 100));
        assertThat(t.get(ip("10.0.0.1"))).isEqualTo("a");
    }
}
