package io.spillway.core.runtime;

import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static io.spillway.core.runtime.Fixtures.dynamic;
import static io.spillway.core.runtime.Fixtures.persistent;
import static io.spillway.core.runtime.Fixtures.service;
import static io.spillway.core.runtime.Fixtures.vs;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link SpilloverChain#admitDetailed}: the admission with how it happened, for the access log. */
class AdmissionTest {

    private static final InetAddress CLIENT_A = address("10.0.0.1");
    private static final InetAddress CLIENT_B = address("10.0.0.2");

    @Test
    void saysWhetherTheClientSpilledPastTheHead() {
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 1));
        VirtualServer primary = vs("primary", dynamic("backup", WhenFull.REDIRECT), backup, service("p1", 1));
        SpilloverChain chain = SpilloverChain.of(primary);

        Admission first = chain.admitDetailed(CLIENT_A);
        Admission second = chain.admitDetailed(CLIENT_A);
        Admission third = chain.admitDetailed(CLIENT_A);

        assertThat(first).isEqualTo(new Admission(primary, false, false));
        assertThat(second).isEqualTo(new Admission(backup, false, true));
        assertThat(third.admitted()).isFalse();
        assertThat(third.vserver()).isNull();
        assertThat(primary.redirects()).isEqualTo(1);
        assertThat(primary.spillovers()).isEqualTo(2);
    }

    @Test
    void saysWhenPersistenceTookTheClient() {
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 10));
        VirtualServer primary = vs("primary", persistent("backup", Duration.ofMinutes(2), 32), backup,
                service("p1", 1));
        SpilloverChain chain = SpilloverChain.of(primary);

        assertThat(chain.admitDetailed(CLIENT_B)).isEqualTo(new Admission(primary, false, false));
        assertThat(chain.admitDetailed(CLIENT_A)).isEqualTo(new Admission(backup, false, true));
        primary.release();
        assertThat(chain.admitDetailed(CLIENT_A)).isEqualTo(new Admission(backup, true, true));
        assertThat(chain.admitDetailed(CLIENT_B)).isEqualTo(new Admission(primary, true, false));
        assertThat(primary.activeConnections()).isEqualTo(1);
        assertThat(backup.activeConnections()).isEqualTo(2);
    }

    @Test
    void acceptingAFullChainIsNeitherSpilledNorPersisted() {
        VirtualServer primary = vs("primary", dynamic(null, WhenFull.ACCEPT), null, service("p1", 1));
        SpilloverChain chain = SpilloverChain.of(primary);
        chain.admitDetailed(CLIENT_A);

        assertThat(chain.admitDetailed(CLIENT_A)).isEqualTo(new Admission(primary, false, false));
        assertThat(primary.activeConnections()).isEqualTo(2);
    }

    @Test
    void admitAndAdmitDetailedTakeTheSameDecisions() {
        VirtualServer backup = vs("backup", dynamic(null, WhenFull.DROP), null, service("b1", 2));
        VirtualServer primary = vs("primary", dynamic("backup", WhenFull.DROP), backup, service("p1", 2));
        SpilloverChain chain = SpilloverChain.of(primary);

        assertThat(chain.admit(CLIENT_A)).isSameAs(primary);
        assertThat(chain.admitDetailed(CLIENT_A).vserver()).isSameAs(primary);
        assertThat(chain.admit(CLIENT_A)).isSameAs(backup);
        assertThat(chain.admitDetailed(CLIENT_A).vserver()).isSameAs(backup);
        assertThat(chain.admit(CLIENT_A)).isNull();
        assertThat(chain.admitDetailed(CLIENT_A).vserver()).isNull();
        assertThat(primary.drops()).isEqualTo(2);
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
