package io.spillway.config;

import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Issue 12: {@code gslb.exchange.etcd} on a master, and an aggregator's list of masters. */
class MasterOnEtcdConfigTest {

    private static final String MASTER = """
            gslb:
              site: hq
              role: master
              exchange:
                listen: 127.0.0.1:3014
                secret: s
                etcd: [http://10.0.0.1:2379, http://10.0.0.2:2379]
              domains: [{name: app.example.com}]
            """;

    @Test
    void aMasterOnEtcdKeepsNoSnapshotFile() {
        LoadResult r = Yaml.parse(MASTER);
        assertThat(r.errors()).isEmpty();
        GslbConfig.Exchange x = r.config().gslb().exchange();
        assertThat(x.etcd()).containsExactly(URI.create("http://10.0.0.1:2379"), URI.create("http://10.0.0.2:2379"));
        assertThat(x.snapshotFile()).as("no default file beside etcd").isNull();
    }

    @Test
    void snapshotFileAndEtcdAreExclusive() {
        LoadResult r = Yaml.parse(MASTER.replace("secret: s", "secret: s\n    snapshotFile: hq.json"));
        assertThat(r.errors()).extracting(ConfigError::path, ConfigError::message).containsExactly(
                tuple("gslb.exchange.etcd", "snapshotFile and etcd are exclusive: the"
                        + " master keeps its state either in a file (snapshotFile) or in etcd (etcd), not both"));
    }

    @Test
    void anEtcdUrlIsSchemeHostAndPort() {
        LoadResult r = Yaml.parse(MASTER.replace("http://10.0.0.2:2379", "10.0.0.2:2379"));
        assertThat(r.errors()).extracting(ConfigError::path).containsExactly("gslb.exchange.etcd[1]");
        assertThat(r.errors().get(0).message()).contains("expected an etcd client URL such as http://127.0.0.1:2379");
    }

    @Test
    void onlyTheMasterKeepsStateInEtcd() {
        LoadResult r = Yaml.parse(MASTER.replace("role: master", "role: aggregator"));
        assertThat(r.errors()).extracting(ConfigError::path).containsExactly("gslb.exchange.etcd");
    }

    @Test
    void anAggregatorFollowsOneMasterOrAListOfThem() {
        String aggregator = """
                gslb:
                  site: agg-a
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:3013
                    secret: s
                    master: %s
                  domains: [{name: app.example.com}]
                """;
        LoadResult one = Yaml.parse(aggregator.formatted("127.0.0.1:3014"));
        assertThat(one.errors()).isEmpty();
        assertThat(one.config().gslb().exchange().master()).containsExactly(new HostPort("127.0.0.1", 3014));

        LoadResult two = Yaml.parse(aggregator.formatted("[127.0.0.1:3014, 127.0.0.1:3015]"));
        assertThat(two.errors()).isEmpty();
        assertThat(two.config().gslb().exchange().master())
                .containsExactly(new HostPort("127.0.0.1", 3014), new HostPort("127.0.0.1", 3015));

        LoadResult twice = Yaml.parse(aggregator.formatted("[127.0.0.1:3014, 127.0.0.1:3014]"));
        assertThat(twice.errors()).extracting(ConfigError::path, ConfigError::message).containsExactly(
                tuple("gslb.exchange.master[1]", "127.0.0.1:3014 is listed twice"));
    }
}
