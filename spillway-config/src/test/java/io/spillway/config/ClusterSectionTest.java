package io.spillway.config;

import io.spillway.core.model.ClusterConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code cluster} section (issue 12): its keys, default, and errors at their positions. */
class ClusterSectionTest {

    @Test
    void readsTheSectionOfTheContract() {
        LoadResult r = Yaml.parse("""
                cluster:
                  name: shop
                  node: node-a
                  etcd: [http://127.0.0.1:2379, "http://127.0.0.1:22379"]
                  interval: 250ms
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().cluster()).isEqualTo(new ClusterConfig("shop", "node-a",
                List.of(URI.create("http://127.0.0.1:2379"), URI.create("http://127.0.0.1:22379")),
                Duration.ofMillis(250)));
    }

    @Test
    void intervalDefaultsTo500msAndNoSectionMeansNoCluster() {
        LoadResult r = Yaml.parse("cluster: {name: shop, node: a, etcd: http://127.0.0.1:2379}\n");
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().cluster().interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(Yaml.parse("services: []\n").config().cluster()).isNull();
    }

    @Test
    void missingKeysBadUrlsAndBadNamesAreErrorsAtTheirPositions() {
        assertThat(Yaml.errors("""
                cluster:
                  node: a/b
                  etcd: [127.0.0.1:2379, http://127.0.0.1:2379/v3, "http://127.0.0.1"]
                  interval: 10ms
                  intervall: 1s
                """)).containsExactly(
                "test.yaml:2:3: cluster.name: required key is missing",
                "test.yaml:2:9: cluster.node: 'a/b' is not a valid name: use letters, digits, '.', '_' and '-'"
                        + " (starting with a letter or digit, at most 100 characters)",
                "test.yaml:3:10: cluster.etcd[0]: expected an etcd client URL such as http://127.0.0.1:2379,"
                        + " got '127.0.0.1:2379'",
                "test.yaml:3:26: cluster.etcd[1]: an etcd URL is scheme, host and port only,"
                        + " got 'http://127.0.0.1:2379/v3'",
                "test.yaml:3:52: cluster.etcd[2]: expected an etcd client URL such as http://127.0.0.1:2379,"
                        + " got 'http://127.0.0.1'",
                "test.yaml:4:13: cluster.interval: must be at least 50ms, got 10ms",
                "test.yaml:5:3: cluster.intervall: unknown key (did you mean 'interval'?);"
                        + " valid keys here: name, node, etcd, interval");
    }

    @Test
    void etcdIsRequired() {
        assertThat(Yaml.errors("cluster: {name: shop, node: a}\n"))
                .containsExactly("test.yaml:1:10: cluster.etcd: required key is missing");
    }

    @Test
    void aChangedClusterSectionIsAChangeForReload() {
        var a = Yaml.parse("cluster: {name: shop, node: a, etcd: http://127.0.0.1:2379}\n").config();
        var b = Yaml.parse("cluster: {name: shop, node: a, etcd: http://127.0.0.1:2379, interval: 1s}\n").config();
        ConfigDiff diff = ConfigDiff.between(a, b);
        assertThat(diff.isEmpty()).isFalse();
        assertThat(diff.summary()).isEqualTo("cluster: changed");
    }
}
