package io.spillway.core.runtime;

import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static io.spillway.core.runtime.Fixtures.dynamic;
import static io.spillway.core.runtime.Fixtures.service;
import static io.spillway.core.runtime.Fixtures.vserver;
import static org.assertj.core.api.Assertions.assertThat;

class RuntimeGraphTest {

    private static SpillwayConfig config(int capacityOfS2) {
        ServiceConfig s1 = service("s1", 2).config();
        ServiceConfig s2 = service("s2", capacityOfS2).config();
        VServerConfig backup = vserver("backup", LbMethod.ROUNDROBIN, dynamic(null, WhenFull.DROP), "s2");
        VServerConfig primary = vserver("primary", LbMethod.ROUNDROBIN, dynamic("backup", WhenFull.DROP), "s1");
        return new SpillwayConfig(null, List.of(), List.of(s1, s2), List.of(primary, backup), null);
    }

    @Test
    void buildsChainsBackupsFirst() {
        RuntimeGraph graph = RuntimeGraph.build(config(3));
        assertThat(graph.vserver("primary").backup()).isSameAs(graph.vserver("backup"));
        assertThat(graph.chainOf("primary")).extracting(VirtualServer::name).containsExactly("primary", "backup");
        assertThat(graph.vserver("backup").threshold()).isEqualTo(3);
    }

    @Test
    void reloadKeepsUnchangedObjectsAndTheirCounts() {
        RuntimeGraph old = RuntimeGraph.build(config(3));
        VirtualServer admitted = old.chain("primary").admit(InetAddress.getLoopbackAddress());
        old.service("s1").disable();

        RuntimeGraph same = RuntimeGraph.build(config(3), old);
        assertThat(same.vserver("primary")).isSameAs(old.vserver("primary"));
        assertThat(same.chain("primary")).isSameAs(old.chain("primary"));
        assertThat(same.vserver("primary").activeConnections()).isEqualTo(1);
        assertThat(same.service("s1").state()).isEqualTo(ServiceState.DISABLED);
        admitted.release();

        RuntimeGraph changed = RuntimeGraph.build(config(7), same);
        assertThat(changed.service("s1")).isSameAs(old.service("s1"));
        assertThat(changed.service("s2")).isNotSameAs(old.service("s2"));
        assertThat(changed.vserver("backup")).isNotSameAs(old.vserver("backup"));
        // the primary's backup changed object, so the primary is rebuilt too
        assertThat(changed.vserver("primary")).isNotSameAs(old.vserver("primary"));
        assertThat(changed.vserver("backup").threshold()).isEqualTo(7);
        same.detachReplacedBy(changed);
        old.service("s1").enable();
        assertThat(changed.vserver("primary").threshold()).isEqualTo(2);
    }
}
