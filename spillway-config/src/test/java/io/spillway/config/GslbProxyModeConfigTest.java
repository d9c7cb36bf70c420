package io.spillway.config;

import io.spillway.core.model.ResolveMode;
import io.spillway.core.model.VServerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** G6: {@code gslb.resolve.mode} and vServers with {@code gslb: {domain}}, read and checked. */
class GslbProxyModeConfigTest {

    private static final String BRANCH = """
            services:
              - {name: web, address: 127.0.0.1:8081, protocol: http}
            vservers:
              - {name: shop, listen: 127.0.0.1:8080, services: [web]}
              - {name: go, listen: 127.0.0.1:8090, gslb: app.example.com}
            gslb:
              site: branch-a
              role: branch
              exchange: {aggregator: 127.0.0.1:3011, secret: s}
              publish:
                - {domain: app.example.com, vserver: shop, address: 127.0.0.1:8080}
              resolve: RESOLVE
            """;

    private static LoadResult branch(String resolve) {
        return Yaml.parse(BRANCH.replace("RESOLVE", resolve));
    }

    @Test
    void proxyModeLetsAVServerWithoutServicesCarryConnectionsToTheChosenBranch() {
        LoadResult r = branch("{listen: 127.0.0.1:8053, mode: proxy}");
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().gslb().resolveMode()).isEqualTo(ResolveMode.PROXY);
        VServerConfig go = r.config().vservers().get(1);
        assertThat(go.gslb()).isEqualTo("app.example.com");
        assertThat(go.services()).isEmpty();
        assertThat(r.config().vservers().get(0).gslb()).as("an ordinary vServer").isNull();
    }

    @Test
    void proxyModeNeedsNoResolveListener() {
        LoadResult r = branch("{mode: proxy}");
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().gslb().resolve()).isNull();
    }

    @Test
    void redirectIsTheDefaultModeAndKeepsVServersWithGslbOut() {
        assertThat(Yaml.parse(BRANCH.replace("  resolve: RESOLVE\n", "")
                .replace("  - {name: go, listen: 127.0.0.1:8090, gslb: app.example.com}\n", ""))
                .config().gslb().resolveMode()).isEqualTo(ResolveMode.REDIRECT);
        assertThat(branch("{listen: 127.0.0.1:8053}").errors()).extracting(ConfigError::path, ConfigError::message)
                .containsExactly(tuple("vservers[1].gslb", "carries connections to the branch GSLB chooses, which is"
                        + " proxy mode: set gslb.resolve.mode: proxy"));
    }

    @Test
    void anUnknownModeIsAnErrorNamingTheModes() {
        LoadResult r = branch("{listen: 127.0.0.1:8053, mode: tunnel}");
        assertThat(r.errors()).extracting(ConfigError::path, ConfigError::message).contains(
                tuple("gslb.resolve.mode", "'tunnel' is not one of redirect, proxy"));
    }

    @Test
    void aVServerWithGslbHasNoServicesPeersOrSpilloverAndIsNeitherPublishedNorABackup() {
        String yaml = BRANCH.replace("RESOLVE", "{mode: proxy}")
                .replace("  - {name: go, listen: 127.0.0.1:8090, gslb: app.example.com}",
                        "  - {name: go, listen: 127.0.0.1:8090, gslb: app.example.com, services: [web],"
                                + " peers: [branch-b], spillover: {method: connection, threshold: 5}}\n"
                                + "  - {name: front, listen: 127.0.0.1:8091, services: [web],"
                                + " spillover: {method: connection, threshold: 5, backup: go}}")
                .replace("vserver: shop, address", "vserver: go, address");
        assertThat(Yaml.parse(yaml).errors()).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "vservers[1].services", "vservers[1].peers", "vservers[1].spillover",
                "vservers[2].spillover.backup", "gslb.publish[0].vserver");
    }

    @Test
    void aVServerWithGslbNeedsAGslbSectionAndAValidDomain() {
        LoadResult r = Yaml.parse("""
                vservers:
                  - {name: go, listen: 127.0.0.1:8090, gslb: "not a domain"}
                """);
        assertThat(r.errors()).extracting(ConfigError::path, ConfigError::message).containsExactly(
                tuple("vservers[0].gslb", "'not a domain' is not a valid domain name"),
                tuple("vservers[0].gslb", "names a GSLB domain: it needs a gslb section to choose the branch"));
    }
}
