package io.spillway.core.model.validate;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.spillway.core.model.validate.Fixtures.config;
import static org.assertj.core.api.Assertions.assertThat;

class ServiceRulesTest {

    private static final List<MonitorConfig> MONITORS =
            List.of(Fixtures.monitor("a", MonitorType.TCP), Fixtures.monitor("b", MonitorType.PING));

    @Test
    void boundMonitorsMustExist() {
        assertThat(validate(service(List.of("a", "c"), null, null))).containsExactly(
                new ConfigProblem("services[0].monitors[1]", "no monitor named 'c' (monitors: a, b)"));
    }

    @Test
    void monitorThresholdCannotExceedTheSumOfWeights() {
        assertThat(validate(service(List.of("a", "b"), 2, null))).isEmpty();
        assertThat(validate(service(List.of("a", "b"), 3, null))).containsExactly(
                new ConfigProblem("services[0].monitorThreshold",
                        "is 3 but the bound monitors' weights sum to 2: the service could never be UP"));
    }

    @Test
    void monitorThresholdWithoutMonitorsIsReported() {
        assertThat(validate(service(List.of(), 1, null))).containsExactly(
                new ConfigProblem("services[0].monitorThreshold", "the service has no monitors to count"));
    }

    @Test
    void aLearntCapacityNeedsHttpAndAPath() {
        ServiceConfig tcp = new ServiceConfig("s", HostPort.parse("h:1"), ServiceProtocol.TCP, 0, "capacity", 1,
                List.of(), null, null);
        assertThat(ConfigValidator.validate(config(MONITORS, List.of(tcp), List.of()))).containsExactly(
                new ConfigProblem("services[0].capacity.url",
                        "a capacity is learnt over HTTP/1.1: the service's protocol must be http or tls, not tcp"),
                new ConfigProblem("services[0].capacity.url", "'capacity' is not a path starting with /"));
    }

    private static ServiceConfig service(List<String> monitors, Integer threshold, String capacityUrl) {
        return new ServiceConfig("s", HostPort.parse("h:1"), ServiceProtocol.HTTP, 10, capacityUrl, 1, monitors,
                threshold, null);
    }

    private static List<ConfigProblem> validate(ServiceConfig s) {
        return ConfigValidator.validate(config(MONITORS, List.of(s), List.of()));
    }
}
