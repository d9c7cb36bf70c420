package io.spillway.config;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every default of docs/configuration.md, as the reader applies it. */
class DefaultsTest {

    private static final String MINIMAL = """
            monitors:
              - name: ping
                type: tcp
              - name: web
                type: https
            services:
              - name: web-1
                address: 127.0.0.1:8081
                protocol: http
                capacity: 10
                monitors: [ping]
              - name: web-2
                address: 127.0.0.1:8082
            vservers:
              - name: front
                listen: 127.0.0.1:8080
                services: [web-1]
                spillover:
                  backup: spill
              - name: spill
                services: [web-1]
            """;

    @Test
    void monitorDefaults() {
        List<MonitorConfig> monitors = read().monitors();
        MonitorConfig tcp = monitors.get(0);
        assertThat(tcp.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(tcp.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(tcp.failures()).isEqualTo(3);
        assertThat(tcp.successes()).isEqualTo(1);
        assertThat(tcp.weight()).isEqualTo(1);
        assertThat(tcp.request()).as("request applies to http types only").isNull();
        assertThat(tcp.expectStatus()).isEmpty();
        assertThat(tcp.tls()).isNull();
        assertThat(tcp.responseTime()).isNull();
        MonitorConfig https = monitors.get(1);
        assertThat(https.request()).isEqualTo("GET /");
        assertThat(https.expectStatus()).containsExactly(200);
        assertThat(https.tls()).isEqualTo(ClientTls.INSECURE);
    }

    @Test
    void responseTimeWindowDefaultsTo50() {
        var config = Yaml.parse("monitors:\n  - {name: m, type: tcp, responseTime: {max: 1s}}\n").config();
        assertThat(config.monitors().get(0).responseTime())
                .isEqualTo(new MonitorConfig.ResponseTimeRules(Duration.ofSeconds(1), null, null, 50));
    }

    @Test
    void serviceDefaults() {
        ServiceConfig s = read().services().get(1);
        assertThat(s.protocol()).isEqualTo(ServiceProtocol.TCP);
        assertThat(s.capacity()).isZero();
        assertThat(s.capacityUrl()).isNull();
        assertThat(s.weight()).isEqualTo(1);
        assertThat(s.monitorThreshold()).isNull();
        assertThat(s.tls()).isEqualTo(new ClientTls(null, false));
    }

    @Test
    void capacityMappingDefaultsToZeroUntilLearnt() {
        var config = Yaml.parse("services:\n  - {name: a, address: 'h:1', protocol: http, capacity: {url: /cap}}\n")
                .config();
        assertThat(config.services().get(0).capacity()).isZero();
        assertThat(config.services().get(0).capacityUrl()).isEqualTo("/cap");
    }

    @Test
    void applianceDefaults() {
        SpillwayConfig c = read();
        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.limits().maxConnections()).isEqualTo(100_000);
    }

    @Test
    void vserverDefaults() {
        VServerConfig v = read().vservers().get(1);
        assertThat(v.protocol()).isEqualTo(VServerProtocol.HTTP);
        assertThat(v.lbMethod()).isEqualTo(LbMethod.ROUNDROBIN);
        assertThat(v.spillover()).isEqualTo(SpilloverConfig.NONE);
        assertThat(v.timeouts()).isEqualTo(new VServerConfig.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(30)));
        assertThat(v.limits()).isEqualTo(new VServerConfig.Limits(8192, 16384, 1024, 0));
        assertThat(v.peers()).isEmpty();
    }

    @Test
    void aSpilloverBlockDefaultsToDynamicConnectionAndDrop() {
        SpilloverConfig s = read().vservers().get(0).spillover();
        assertThat(s).isEqualTo(new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, "spill", Duration.ZERO, 32,
                100_000, WhenFull.DROP, null));
    }

    @Test
    void aRedirectUrlMakesRedirectTheDefaultWhenFull() {
        String yaml = MINIMAL.replace("      backup: spill", "      backup: spill\n      redirectUrl: http://x/");
        assertThat(Yaml.parse(yaml).config().vservers().get(0).spillover().whenFull()).isEqualTo(WhenFull.REDIRECT);
    }

    @Test
    void persistenceZeroWithoutUnitMeansOff() {
        String yaml = MINIMAL.replace("      backup: spill", "      backup: spill\n      persistence: 0");
        assertThat(Yaml.parse(yaml).config().vservers().get(0).spillover().persistence()).isZero();
    }

    @Test
    void gslbDefaults() {
        var config = Yaml.parse("""
                gslb:
                  site: agg-1
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:3011
                    interval: 200ms
                    secret: s
                  domains:
                    - name: app.example.com
                """).config();
        GslbConfig g = config.gslb();
        assertThat(g.exchange().interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(g.exchange().staleAfter()).as("3x interval").isEqualTo(Duration.ofMillis(600));
        assertThat(g.dns()).isNull();
        assertThat(g.resolve()).isNull();
        assertThat(g.domains().get(0)).isEqualTo(new GslbConfig.Domain("app.example.com", GslbMethod.LEASTLOAD,
                Duration.ofSeconds(5), Duration.ZERO, List.of()));
    }

    @Test
    void masterKeepsItsSnapshotNamedAfterItsSiteInTheWorkingDirectory() {
        String master = """
                gslb:
                  site: hq
                  role: master
                  exchange: {listen: 127.0.0.1:3014, secret: s}
                  domains: [{name: app.example.com}]
                """;
        LoadResult r = Yaml.parse(master);
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().gslb().exchange().snapshotFile()).isEqualTo("hq.snapshot.json");
        LoadResult aggregator = Yaml.parse(master.replace("role: master", "role: aggregator"));
        assertThat(aggregator.errors()).isEmpty();
        assertThat(aggregator.config().gslb().exchange().snapshotFile()).as("only the master keeps one").isNull();
    }

    @Test
    void absentSectionsAreEmpty() {
        var config = Yaml.parse("admin: {listen: 127.0.0.1:9900}\n").config();
        assertThat(config.monitors()).isEmpty();
        assertThat(config.services()).isEmpty();
        assertThat(config.vservers()).isEmpty();
        assertThat(config.gslb()).isNull();
        assertThat(config.admin().token()).isNull();
    }

    private static io.spillway.core.model.SpillwayConfig read() {
        LoadResult r = Yaml.parse(MINIMAL);
        assertThat(r.errors()).isEmpty();
        return r.config();
    }
}
