package io.spillway.core.runtime;

import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import static io.spillway.core.runtime.Fixtures.dynamic;
import static io.spillway.core.runtime.Fixtures.persistent;
import static io.spillway.core.runtime.Fixtures.service;
import static io.spillway.core.runtime.Fixtures.vs;
import static org.assertj.core.api.Assertions.assertThat;

class SpilloverChainTest {

    private static final InetAddress CLIENT_A = address("10.0.0.1");
    private static final InetAddress CLIENT_B = address("10.0.0.2");

    @Test
    void spillsToBackupWhenPrimaryReachesDynamicThreshold() {
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 2));
        VirtualServer primary = vs("primary", dynamic("backup", WhenFull.DROP), backup,
                service("p1", 2), service("p2", 1));
        SpilloverChain chain = SpilloverChain.of(primary);

        assertThat(primary.threshold()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(chain.admit(CLIENT_A)).isSameAs(primary);
        }
        assertThat(chain.admit(CLIENT_A)).isSameAs(backup);
        assertThat(chain.admit(CLIENT_A)).isSameAs(backup);
        assertThat(chain.admit(CLIENT_A)).isNull();
        assertThat(primary.spillovers()).isEqualTo(3);
        assertThat(primary.drops()).isEqualTo(1);
        assertThat(primary.activeConnections()).isEqualTo(3);
    }

    @Test
    void thresholdFollowsServiceStateAtOnce() {
        Service p1 = service("p1", 5);
        Service p2 = service("p2", 3);
        VirtualServer primary = vs("primary", dynamic(null, WhenFull.DROP), null, p1, p2);

        assertThat(primary.threshold()).isEqualTo(8);
        p1.setHealth(false, "monitor failed");
        assertThat(primary.threshold()).isEqualTo(3);
        p2.disable();
        assertThat(primary.threshold()).isZero();
        assertThat(primary.isUp()).isFalse();
        p2.enable();
        p1.setHealth(true, "monitor passed");
        assertThat(primary.threshold()).isEqualTo(8);
        p1.setCapacity(10);
        assertThat(primary.threshold()).isEqualTo(13);
    }

    @Test
    void downPrimaryHandsEveryConnectionToBackup() {
        Service p1 = service("p1", 5);
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 5));
        VirtualServer primary = vs("primary", dynamic("backup", WhenFull.DROP), backup, p1);
        p1.disable();

        assertThat(SpilloverChain.of(primary).admit(CLIENT_A)).isSameAs(backup);
    }

    @Test
    void fullChainFollowsWhenFull() {
        for (WhenFull mode : WhenFull.values()) {
            VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 1));
            VirtualServer primary = vs("primary", dynamic("backup", mode), backup, service("p1", 1));
            SpilloverChain chain = SpilloverChain.of(primary);
            chain.admit(CLIENT_A);
            chain.admit(CLIENT_A);

            VirtualServer third = chain.admit(CLIENT_A);

            switch (mode) {
                case ACCEPT -> {
                    assertThat(third).isSameAs(primary);
                    assertThat(primary.activeConnections()).isEqualTo(2);
                }
                case REDIRECT -> {
                    assertThat(third).isNull();
                    assertThat(primary.redirects()).isEqualTo(1);
                    assertThat(chain.redirectUrl()).isEqualTo("http://elsewhere.example/");
                }
                case DROP -> {
                    assertThat(third).isNull();
                    assertThat(primary.drops()).isEqualTo(1);
                }
            }
        }
    }

    @Test
    void chainOfAnyLengthIsWalkedInOrder() {
        VirtualServer last = null;
        for (int i = 9; i >= 1; i--) {
            last = vs("v" + i, dynamic(i == 9 ? null : "v" + (i + 1), WhenFull.DROP), last, service("s" + i, 1));
        }
        SpilloverChain chain = SpilloverChain.of(last);
        VirtualServer expected = last;
        for (int i = 1; i <= 9; i++) {
            assertThat(chain.admit(CLIENT_A)).isSameAs(expected);
            expected = expected.backup();
        }
        assertThat(chain.admit(CLIENT_A)).isNull();
    }

    @Test
    void clientThatSpilledStaysOnBackupWhilePersistenceLasts() {
        AtomicLong nanos = new AtomicLong();
        LongSupplier ticker = nanos::get;
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 10));
        VirtualServer primary = vs("primary", persistent("backup", Duration.ofMinutes(2), 32), backup,
                service("p1", 1));
        SpilloverChain chain = new SpilloverChain(primary,
                new PersistenceTable(Duration.ofMinutes(2), 32, 100, ticker));

        assertThat(chain.admit(CLIENT_B)).isSameAs(primary);
        assertThat(chain.admit(CLIENT_A)).isSameAs(backup);
        primary.release(); // primary has room again
        assertThat(chain.admit(CLIENT_A)).isSameAs(backup);
        assertThat(backup.persistentAdmissions()).isEqualTo(1);

        nanos.addAndGet(Duration.ofMinutes(3).toNanos());
        assertThat(chain.admit(CLIENT_A)).isSameAs(primary);
    }

    @Test
    void clientServedByPrimaryIsAdmittedAboveThreshold() {
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 10));
        VirtualServer primary = vs("primary", persistent("backup", Duration.ofMinutes(2), 32), backup,
                service("p1", 1));
        SpilloverChain chain = SpilloverChain.of(primary);

        assertThat(chain.admit(CLIENT_A)).isSameAs(primary);
        assertThat(chain.admit(CLIENT_A)).isSameAs(primary);
        assertThat(primary.activeConnections()).isEqualTo(2);
        assertThat(chain.admit(CLIENT_B)).isSameAs(backup);
    }

    @Test
    void persistenceMaskGroupsASubnet() {
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 10));
        VirtualServer primary = vs("primary", persistent("backup", Duration.ofMinutes(2), 24), backup,
                service("p1", 1));
        SpilloverChain chain = SpilloverChain.of(primary);
        chain.admit(address("10.9.9.9"));

        assertThat(chain.admit(address("192.168.1.1"))).isSameAs(backup);
        primary.release();
        assertThat(chain.admit(address("192.168.1.77"))).isSameAs(backup);
        assertThat(chain.admit(address("192.168.2.1"))).isSameAs(primary);
    }

    @Test
    void persistedVServerThatWentDownIsBypassed() {
        Service b1 = service("b1", 10);
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, b1);
        VirtualServer primary = vs("primary", persistent("backup", Duration.ofMinutes(2), 32), backup,
                service("p1", 1));
        SpilloverChain chain = SpilloverChain.of(primary);
        chain.admit(CLIENT_B);
        assertThat(chain.admit(CLIENT_A)).isSameAs(backup);
        primary.release();
        b1.disable();

        assertThat(chain.admit(CLIENT_A)).isSameAs(primary);
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
