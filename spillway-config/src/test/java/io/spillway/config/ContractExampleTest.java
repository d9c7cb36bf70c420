package io.spillway.config;

import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.ClientTls;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ContractExampleTest {

    private static final Path EXAMPLE = Path.of("src/test/resources/contract-example.yaml");
    private static final Path LITERAL = Path.of("src/test/resources/contract-literal.yaml");

    @Test
    void contractExampleParsesIntoTheExpectedModel() {
        LoadResult r = ConfigLoader.load(EXAMPLE, Yaml.ENV);

        assertThat(r.errors()).isEmpty();
        SpillwayConfig expected = new SpillwayConfig(
                new AdminConfig(new HostPort("127.0.0.1", 9900), "t0k3n"),
                List.of(
                        new MonitorConfig("web-http", MonitorType.HTTP, Duration.ofSeconds(1), Duration.ofMillis(500),
                                3, 1, 1, "GET /healthz", List.of(200), null, null, null, null, null, null,
                                new MonitorConfig.ResponseTimeRules(Duration.ofSeconds(2), 3.0, 4.0, 50)),
                        new MonitorConfig("web-ecv", MonitorType.HTTP_ECV, Duration.ofSeconds(5), Duration.ofSeconds(2),
                                3, 1, 2, "GET /status", List.of(200), "ok", null, null, null, null, null, null)),
                List.of(
                        new ServiceConfig("web-1", new HostPort("127.0.0.1", 8081), ServiceProtocol.HTTP, 100, null, 1,
                                List.of("web-http", "web-ecv"), 1, ClientTls.INSECURE),
                        new ServiceConfig("web-2", new HostPort("127.0.0.1", 8082), ServiceProtocol.HTTP, 50,
                                "/capacity", 1, List.of("web-http"), null, ClientTls.INSECURE),
                        new ServiceConfig("overflow-1", new HostPort("127.0.0.1", 8083), ServiceProtocol.HTTP, 20, null,
                                1, List.of(), null, ClientTls.INSECURE)),
                List.of(
                        new VServerConfig("shop", new HostPort("0.0.0.0", 8080), VServerProtocol.HTTP, null,
                                LbMethod.LEASTCONNECTION, List.of("web-1", "web-2"),
                                new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, "shop-overflow",
                                        Duration.ofMinutes(2), 32, 100_000, WhenFull.REDIRECT,
                                        "https://overflow.example.com/"),
                                List.of("branch-b"), null, null),
                        new VServerConfig("shop-overflow", null, VServerProtocol.HTTP, null, LbMethod.ROUNDROBIN,
                                List.of("overflow-1"),
                                new SpilloverConfig(SpilloverMethod.CONNECTION, 200, null, Duration.ZERO, 32, 100_000,
                                        WhenFull.DROP, null),
                                List.of(), null, null)),
                new GslbConfig("branch-a", GslbRole.BRANCH,
                        new GslbConfig.Exchange(null, new HostPort("127.0.0.1", 3012), List.of(), null,
                                Duration.ofSeconds(1), Duration.ofSeconds(3), "s3cret", null, null, null),
                        List.of(new GslbConfig.Publish("app.example.com", "shop", new HostPort("127.0.0.1", 8080))),
                        List.of(), null, null));
        assertThat(r.config()).isEqualTo(expected);
    }

    @Test
    void literalContractBlockReadsEveryKeyItShows() {
        LoadResult read = ConfigLoader.readModel("contract.yaml", read(LITERAL), Yaml.ENV);
        assertThat(read.errors()).isEmpty();
        SpillwayConfig c = read.config();
        MonitorConfig m = c.monitors().get(0);
        assertThat(m.send()).isEqualTo("PING\r\n");
        assertThat(m.expectAddress()).isEqualTo("192.0.2.10");
        assertThat(m.ftp()).isEqualTo(new MonitorConfig.FtpProbe("anonymous", "guest", "RETR /probe.txt"));
        VServerConfig shop = c.vservers().get(0);
        assertThat(shop.tls().certificate()).isEqualTo("cert.pem");
        assertThat(shop.spillover().threshold()).isEqualTo(200);
        GslbConfig g = c.gslb();
        assertThat(g.exchange().peers()).containsExactly(new HostPort("127.0.0.1", 3013));
        assertThat(g.exchange().master()).containsExactly(new HostPort("127.0.0.1", 3014));
        assertThat(g.exchange().secret()).isEqualTo("s3cret");
        assertThat(g.domains()).singleElement().satisfies(d -> {
            assertThat(d.ttl()).isEqualTo(Duration.ofSeconds(5));
            assertThat(d.persistence()).isEqualTo(Duration.ofMinutes(10));
        });
        assertThat(g.dns().listen()).isEqualTo(new HostPort("127.0.0.1", 5353));
        assertThat(g.resolve()).isEqualTo(new HostPort("127.0.0.1", 8053));
    }

    /**
     * The CONTRACT.md block shows every key at once, for every role and monitor type; as a
     * single appliance's file it is therefore inconsistent, and the validator says exactly where.
     */
    @Test
    void literalContractBlockIsReportedAsAMixOfRolesAndTypes() {
        assertThat(ConfigLoader.load(LITERAL, Yaml.ENV).errors()).extracting(ConfigError::format)
                .allMatch(line -> line.startsWith(LITERAL + ":"))
                .extracting(line -> line.substring(LITERAL.toString().length() + 1))
                .containsExactly(
                        "17:17: monitors[0].expectBody: applies only to tcp-ecv, http-ecv, https-ecv, udp-ecv, ftp"
                                + " monitors, not to type http",
                        "18:11: monitors[0].send: applies only to tcp-ecv, udp-ecv monitors, not to type http",
                        "19:12: monitors[0].query: applies only to dns monitors, not to type http",
                        "20:20: monitors[0].expectAddress: applies only to dns monitors, not to type http",
                        "21:10: monitors[0].ftp: applies only to ftp monitors, not to type http",
                        "41:10: vservers[0].tls: only protocol https terminates TLS; an http vserver has no"
                                + " certificate",
                        "44:23: vservers[0].services[1]: no service named 'web-2' (services: web-1)",
                        "47:18: vservers[0].spillover.threshold: applies only to method connection (the method is"
                                + " dynamicconnection)",
                        "48:15: vservers[0].spillover.backup: no vserver named 'shop-overflow' (vservers: shop)",
                        "64:12: gslb.exchange.peers: a branch knows only its aggregator (G1); peers are for"
                                + " aggregators",
                        "65:13: gslb.exchange.master: a branch knows only its aggregator (G1); master is for"
                                + " aggregators");
    }

    @Test
    void literalContractBlockWithoutEnvironmentNamesBothVariables() {
        assertThat(ConfigLoader.load(LITERAL, java.util.Map.of()).errors()).extracting(ConfigError::format)
                .contains(LITERAL + ":3:10: admin.token: environment variable SPILLWAY_TOKEN is not set",
                        LITERAL + ":68:13: gslb.exchange.secret: environment variable SPILLWAY_EXCHANGE_SECRET"
                                + " is not set");
    }

    private static String read(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
