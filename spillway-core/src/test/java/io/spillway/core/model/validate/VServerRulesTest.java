package io.spillway.core.model.validate;

import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.TlsConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.spillway.core.model.ServiceProtocol.HTTP;
import static io.spillway.core.model.ServiceProtocol.TCP;
import static io.spillway.core.model.ServiceProtocol.TLS;
import static io.spillway.core.model.validate.Fixtures.config;
import static io.spillway.core.model.validate.Fixtures.service;
import static io.spillway.core.model.validate.Fixtures.vserver;
import static io.spillway.core.model.validate.Fixtures.withProtocol;
import static io.spillway.core.model.validate.Fixtures.withSpillover;
import static org.assertj.core.api.Assertions.assertThat;

class VServerRulesTest {

    private static final List<ServiceConfig> SERVICES =
            List.of(service("web", HTTP, 10), service("db", TCP, 10), service("secure", TLS, 10));

    @Test
    void aValidVserverHasNoProblems() {
        assertThat(validate(vserver("shop", "127.0.0.1:8080", "web", "secure"))).isEmpty();
    }

    @Test
    void boundServicesMustExist() {
        assertThat(validate(vserver("shop", "127.0.0.1:8080", "web", "nope"))).containsExactly(
                new ConfigProblem("vservers[0].services[1]", "no service named 'nope' (services: web, db, secure)"));
    }

    @Test
    void aVserverNeedsAService() {
        assertThat(validate(vserver("shop", "127.0.0.1:8080"))).containsExactly(
                new ConfigProblem("vservers[0].services", "a vserver needs at least one service"));
    }

    @Test
    void aServiceListedTwiceIsReported() {
        assertThat(validate(vserver("shop", "127.0.0.1:8080", "web", "web"))).containsExactly(
                new ConfigProblem("vservers[0].services[1]", "service 'web' is listed twice"));
    }

    @Test
    void tcpVserversBindTcpOrTlsServicesOnly() {
        VServerConfig tcp = withProtocol(vserver("db", "127.0.0.1:5432", "db", "secure", "web"), VServerProtocol.TCP);
        VServerConfig passthrough = withProtocol(vserver("pt", "127.0.0.1:443", "db", "web", "secure"),
                VServerProtocol.TLS_TCP);
        assertThat(validate(tcp, passthrough)).containsExactly(
                new ConfigProblem("vservers[0].services[2]",
                        "a tcp vserver cannot bind http service 'web' (it binds tcp or tls services)"),
                new ConfigProblem("vservers[1].services[1]",
                        "a tls-tcp vserver cannot bind http service 'web' (it passes the client's TLS through"
                                + " untouched, so it binds tcp services)"),
                new ConfigProblem("vservers[1].services[2]",
                        "a tls-tcp vserver cannot bind tls service 'secure' (it passes the client's TLS through"
                                + " untouched, so it binds tcp services)"));
    }

    @Test
    void httpVserversBindHttpOrTlsServicesOnly() {
        assertThat(validate(vserver("shop", "127.0.0.1:8080", "db"))).containsExactly(
                new ConfigProblem("vservers[0].services[0]",
                        "an http vserver cannot bind tcp service 'db' (it binds http, h2c, h2 or tls services)"));
    }

    @Test
    void httpsNeedsCertificateAndKey() {
        VServerConfig https = withProtocol(vserver("shop", "127.0.0.1:8443", "web"), VServerProtocol.HTTPS);
        assertThat(validate(https)).containsExactly(
                new ConfigProblem("vservers[0].tls.certificate", "required for protocol https: the PEM certificate chain"),
                new ConfigProblem("vservers[0].tls.key", "required for protocol https: the PEM private key"));
        VServerConfig withTls = new VServerConfig("shop", https.listen(), VServerProtocol.HTTPS,
                new TlsConfig("c.pem", "k.pem"), https.lbMethod(), https.services(), null, null, null, null);
        assertThat(validate(withTls)).isEmpty();
    }

    @Test
    void tlsOnAPlainVserverIsReported() {
        VServerConfig v = new VServerConfig("shop", null, VServerProtocol.HTTP, new TlsConfig("c", "k"), null,
                List.of("web"), null, null, null, null);
        assertThat(validate(withListen(v))).containsExactly(new ConfigProblem("vservers[0].tls",
                "only protocol https terminates TLS; an http vserver has no certificate"));
    }

    @Test
    void connectionMethodNeedsAThreshold() {
        VServerConfig v = withSpillover(vserver("shop", "127.0.0.1:8080", "web"), spill(SpilloverMethod.CONNECTION, 0));
        assertThat(validate(v)).containsExactly(new ConfigProblem("vservers[0].spillover.threshold",
                "method connection needs a threshold of at least 1"));
    }

    @Test
    void thresholdWithAnotherMethodIsReported() {
        VServerConfig v = withSpillover(vserver("shop", "127.0.0.1:8080", "web"), spill(SpilloverMethod.NONE, 10));
        assertThat(validate(v)).containsExactly(new ConfigProblem("vservers[0].spillover.threshold",
                "applies only to method connection (the method is none)"));
    }

    @Test
    void dynamicConnectionNeedsABoundServiceWithCapacity() {
        SpillwayConfig c = config(List.of(), List.of(service("a", HTTP, 0), service("b", HTTP, 0)),
                List.of(withSpillover(vserver("shop", "127.0.0.1:8080", "a", "b"),
                        spill(SpilloverMethod.DYNAMICCONNECTION, 0))));
        assertThat(ConfigValidator.validate(c)).containsExactly(new ConfigProblem("vservers[0].spillover.method",
                "dynamicconnection sums the capacities of the UP services (S3), but no bound service has a capacity:"
                        + " set capacity on a service or use method connection"));
    }

    @Test
    void aLearntCapacityCountsForDynamicConnection() {
        ServiceConfig learnt = new ServiceConfig("a", io.spillway.core.model.HostPort.parse("h:1"), HTTP, 0, "/cap", 1,
                List.of(), null, null);
        SpillwayConfig c = config(List.of(), List.of(learnt), List.of(withSpillover(vserver("shop", "127.0.0.1:8080",
                "a"), spill(SpilloverMethod.DYNAMICCONNECTION, 0))));
        assertThat(ConfigValidator.validate(c)).isEmpty();
    }

    @Test
    void redirectNeedsAnAbsoluteHttpUrl() {
        VServerConfig missing = withSpillover(vserver("a", "127.0.0.1:8080", "web"), redirect(null));
        VServerConfig relative = withSpillover(vserver("b", "127.0.0.1:8081", "web"), redirect("/elsewhere"));
        VServerConfig ftp = withSpillover(vserver("c", "127.0.0.1:8082", "web"), redirect("ftp://x/"));
        VServerConfig good = withSpillover(vserver("d", "127.0.0.1:8083", "web"), redirect("https://x.example/"));
        assertThat(validate(missing, relative, ftp, good)).containsExactly(
                new ConfigProblem("vservers[0].spillover.redirectUrl",
                        "required for whenFull redirect: the URL clients are sent to"),
                new ConfigProblem("vservers[1].spillover.redirectUrl",
                        "'/elsewhere' is not an absolute http:// or https:// URL"),
                new ConfigProblem("vservers[2].spillover.redirectUrl",
                        "'ftp://x/' is not an absolute http:// or https:// URL"));
    }

    @Test
    void aTcpVserverCannotRedirect() {
        VServerConfig v = withProtocol(withSpillover(vserver("db", "127.0.0.1:5432", "db"), redirect("http://x/")),
                VServerProtocol.TCP);
        assertThat(validate(v)).containsExactly(new ConfigProblem("vservers[0].spillover.whenFull",
                "a tcp vserver cannot redirect a client: use drop or accept"));
    }

    @Test
    void aRedirectUrlWithoutRedirectIsReported() {
        SpilloverConfig s = new SpilloverConfig(SpilloverMethod.DYNAMICCONNECTION, 0, null, Duration.ZERO, 32, 10,
                WhenFull.DROP, "http://x/");
        assertThat(validate(withSpillover(vserver("a", "127.0.0.1:8080", "web"), s))).containsExactly(
                new ConfigProblem("vservers[0].spillover.redirectUrl",
                        "is only used with whenFull redirect (whenFull is drop)"));
    }

    @Test
    void peersNeedAGslbSection() {
        VServerConfig v = new VServerConfig("shop", io.spillway.core.model.HostPort.parse("127.0.0.1:8080"),
                VServerProtocol.HTTP, null, null, List.of("web"), null, List.of("branch-b"), null, null);
        assertThat(validate(v)).containsExactly(new ConfigProblem("vservers[0].peers",
                "peers are GSLB sites (D2): they need a gslb section"));
    }

    private static VServerConfig withListen(VServerConfig v) {
        return new VServerConfig(v.name(), io.spillway.core.model.HostPort.parse("127.0.0.1:8080"), v.protocol(),
                v.tls(), v.lbMethod(), v.services(), v.spillover(), v.peers(), v.timeouts(), v.limits());
    }

    private static SpilloverConfig spill(SpilloverMethod method, int threshold) {
        return new SpilloverConfig(method, threshold, null, Duration.ZERO, 32, 10, WhenFull.DROP, null);
    }

    private static SpilloverConfig redirect(String url) {
        return new SpilloverConfig(SpilloverMethod.CONNECTION, 5, null, Duration.ZERO, 32, 10, WhenFull.REDIRECT, url);
    }

    private static List<ConfigProblem> validate(VServerConfig... vservers) {
        return ConfigValidator.validate(config(List.of(), SERVICES, List.of(vservers)));
    }
}
