package io.spillway.core.model.validate;

import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.MonitorType;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpillwayConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.spillway.core.model.validate.Fixtures.config;
import static io.spillway.core.model.validate.Fixtures.service;
import static io.spillway.core.model.validate.Fixtures.vserver;
import static org.assertj.core.api.Assertions.assertThat;

class NameAndListenerRulesTest {

    @Test
    void duplicateNamesAreReportedAtTheSecond() {
        SpillwayConfig c = config(
                List.of(Fixtures.monitor("m", MonitorType.TCP), Fixtures.monitor("m", MonitorType.PING)),
                List.of(service("s", ServiceProtocol.HTTP, 1)),
                List.of(vserver("v", "127.0.0.1:1", "s"), vserver("v", "127.0.0.1:2", "s")));
        assertThat(ConfigValidator.validate(c)).containsExactly(
                new ConfigProblem("monitors[1].name", "duplicate monitor name 'm' (also monitors[0])"),
                new ConfigProblem("vservers[1].name", "duplicate vserver name 'v' (also vservers[0])"));
    }

    @Test
    void namesMustBeSafeForUrlsAndMetricLabels() {
        SpillwayConfig c = config(List.of(), List.of(service("web 1", ServiceProtocol.HTTP, 1)), List.of());
        assertThat(ConfigValidator.validate(c)).containsExactly(new ConfigProblem("services[0].name",
                "'web 1' is not a valid name: use letters, digits, '.', '_' and '-' (starting with a letter or"
                        + " digit, at most 100 characters)"));
    }

    @Test
    void twoVserversCannotListenOnTheSameAddress() {
        SpillwayConfig c = config(List.of(), List.of(service("s", ServiceProtocol.HTTP, 1)), List.of(
                vserver("a", "127.0.0.1:8080", "s"),
                vserver("b", "127.0.0.1:8080", "s"),
                vserver("c", "0.0.0.0:8080", "s"),
                vserver("d", "127.0.0.2:8080", "s")));
        assertThat(ConfigValidator.validate(c)).containsExactly(
                new ConfigProblem("vservers[1].listen", "127.0.0.1:8080 is already taken by vserver a (vservers[0].listen)"),
                new ConfigProblem("vservers[2].listen", "0.0.0.0:8080 is already taken by vserver a (vservers[0].listen)"),
                new ConfigProblem("vservers[3].listen",
                        "127.0.0.2:8080 is already taken by vserver c (vservers[2].listen)"));
    }

    @Test
    void distinctHostsMayShareAPort() {
        SpillwayConfig c = config(List.of(), List.of(service("s", ServiceProtocol.HTTP, 1)), List.of(
                vserver("a", "127.0.0.1:8080", "s"), vserver("b", "127.0.0.2:8080", "s")));
        assertThat(ConfigValidator.validate(c)).isEmpty();
    }

    @Test
    void portZeroNeverCollides() {
        SpillwayConfig c = config(List.of(), List.of(service("s", ServiceProtocol.HTTP, 1)), List.of(
                vserver("a", "127.0.0.1:0", "s"), vserver("b", "127.0.0.1:0", "s")));
        assertThat(ConfigValidator.validate(c)).isEmpty();
    }

    @Test
    void adminCollidesWithAVserverToo() {
        SpillwayConfig c = new SpillwayConfig(new AdminConfig(HostPort.parse("127.0.0.1:8080"), null), List.of(),
                List.of(service("s", ServiceProtocol.HTTP, 1)), List.of(vserver("a", "127.0.0.1:8080", "s")), null);
        assertThat(ConfigValidator.validate(c)).containsExactly(new ConfigProblem("vservers[0].listen",
                "127.0.0.1:8080 is already taken by the admin API (admin.listen)"));
    }

    @Test
    void aNonLoopbackAdminListenerNeedsAToken() {
        SpillwayConfig open = new SpillwayConfig(new AdminConfig(HostPort.parse("0.0.0.0:9900"), null), null, null,
                null, null);
        SpillwayConfig local = new SpillwayConfig(new AdminConfig(HostPort.parse("localhost:9900"), null), null, null,
                null, null);
        assertThat(ConfigValidator.validate(open)).containsExactly(new ConfigProblem("admin.token",
                "required when admin.listen (0.0.0.0:9900) is not a loopback address"));
        assertThat(ConfigValidator.validate(local)).isEmpty();
    }
}
