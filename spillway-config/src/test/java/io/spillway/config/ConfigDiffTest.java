package io.spillway.config;

import io.spillway.core.model.SpillwayConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigDiffTest {

    private static final String BASE = """
            admin: {listen: 127.0.0.1:9900}
            monitors:
              - {name: m1, type: tcp}
              - {name: m2, type: tcp}
            services:
              - {name: a, address: 127.0.0.1:1, monitors: [m1]}
              - {name: b, address: 127.0.0.1:2}
            vservers:
              - {name: v1, listen: 127.0.0.1:8080, protocol: tcp, services: [a]}
              - {name: v2, listen: 127.0.0.1:8081, protocol: tcp, services: [b]}
            """;

    @Test
    void identicalFilesHaveAnEmptyDiff() {
        ConfigDiff diff = ConfigDiff.between(load(BASE), load(BASE));
        assertThat(diff.isEmpty()).isTrue();
        assertThat(diff.summary()).isEqualTo("no changes");
    }

    @Test
    void reportsAddedRemovedAndChangedByName() {
        String changed = BASE
                .replace("  - {name: m2, type: tcp}\n", "  - {name: m3, type: tcp}\n")
                .replace("address: 127.0.0.1:2}", "address: 127.0.0.1:3}")
                .replace("  - {name: v2, listen: 127.0.0.1:8081, protocol: tcp, services: [b]}\n",
                        "  - {name: v2, listen: 127.0.0.1:8081, protocol: tcp, services: [b]}\n"
                                + "  - {name: v3, listen: 127.0.0.1:8082, protocol: tcp, services: [a, b]}\n");
        ConfigDiff diff = ConfigDiff.between(load(BASE), load(changed));

        assertThat(diff.monitors()).isEqualTo(new ConfigDiff.Changes(List.of("m3"), List.of("m2"), List.of()));
        assertThat(diff.services()).isEqualTo(new ConfigDiff.Changes(List.of(), List.of(), List.of("b")));
        assertThat(diff.vservers()).isEqualTo(new ConfigDiff.Changes(List.of("v3"), List.of(), List.of()));
        assertThat(diff.adminChanged()).isFalse();
        assertThat(diff.gslbChanged()).isFalse();
        assertThat(diff.isEmpty()).isFalse();
        assertThat(diff.summary()).isEqualTo("""
                monitors: added m3; removed m2
                services: changed b
                vservers: added v3""");
    }

    @Test
    void adminAndGslbChangesAreFlagged() {
        String changed = BASE.replace("127.0.0.1:9900", "127.0.0.1:9901")
                + "gslb:\n  site: s\n  role: aggregator\n  exchange: {listen: 127.0.0.1:3011, secret: x}\n";
        ConfigDiff diff = ConfigDiff.between(load(BASE), load(changed));
        assertThat(diff.adminChanged()).isTrue();
        assertThat(diff.gslbChanged()).isTrue();
        assertThat(diff.summary()).isEqualTo("admin: changed\ngslb: changed");
    }

    @Test
    void aChangedSpilloverBlockChangesTheVserver() {
        String changed = BASE.replace("services: [a]}", "services: [a], lbMethod: leastconnection}");
        ConfigDiff diff = ConfigDiff.between(load(BASE), load(changed));
        assertThat(diff.vservers().changed()).containsExactly("v1");
    }

    private static SpillwayConfig load(String yaml) {
        LoadResult r = Yaml.parse(yaml);
        assertThat(r.errors()).isEmpty();
        return r.config();
    }
}
