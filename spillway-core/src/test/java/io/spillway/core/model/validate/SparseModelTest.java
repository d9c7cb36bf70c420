package io.spillway.core.model.validate;

import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Models built by hand (tests, the demo) may leave fields null: the validator reports, never throws. */
class SparseModelTest {

    @Test
    void nullFieldsEverywhereAreReportedNotThrown() {
        SpillwayConfig c = new SpillwayConfig(null,
                List.of(new MonitorConfig(null, null, null, null, 0, 0, 0, null, null, null, null, null, null, null,
                        null, null)),
                List.of(new ServiceConfig(null, null, null, 0, null, 0, List.of("x"), 3, null)),
                List.of(new VServerConfig(null, null, null, null, null, List.of("y"),
                        new SpilloverConfig(null, 5, "z", null, 0, 0, null, "http://x/"), List.of("p"), null, null)),
                new GslbConfig(null, null, null, List.of(new GslbConfig.Publish(null, null, null)),
                        List.of(new GslbConfig.Domain(null, null, null, null, List.of(new GslbConfig.Proximity(null,
                                null)))), null, null));
        assertThat(ConfigValidator.validate(c)).isNotEmpty()
                .extracting(ConfigProblem::path)
                .contains("monitors[0].name", "services[0].name", "vservers[0].name", "vservers[0].services[0]");
    }

    @Test
    void anEmptyModelIsValid() {
        assertThat(ConfigValidator.validate(new SpillwayConfig(null, null, null, null, null))).isEmpty();
    }
}
