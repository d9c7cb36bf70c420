package io.spillway.config;

import io.spillway.core.model.ApplianceLimits;
import io.spillway.core.model.ClientTls;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.TlsConfig;
import io.spillway.core.model.TlsPolicy;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys beyond CONTRACT.md: timeouts, limits, tls blocks, exchange tls and snapshot, dns, resolve, proximity. */
class ExtensionKeysTest {

    @Test
    void anAggregatorWithEveryExtensionKeyReadsIntoTheModel() {
        LoadResult r = Yaml.parse("""
                monitors:
                  - name: secure
                    type: https-ecv
                    request: HEAD /status
                    expectStatus: 204
                    expectBody: ok
                    tls: {ca: ca.pem, verify: true}
                  - name: files
                    type: ftp
                    ftp: {command: RETR /probe.txt}
                    expectBody: hello
                services:
                  - name: api
                    address: "[::1]:8443"
                    protocol: tls
                    capacity: 30
                    monitors: [secure, files]
                    tls: {ca: backends.pem, verify: true}
                vservers:
                  - name: front
                    listen: 127.0.0.1:8443
                    protocol: https
                    tls: {certificate: cert.pem, key: key.pem}
                    lbMethod: weightedroundrobin
                    services: [api]
                    spillover: {method: connection, threshold: 5, whenFull: accept, persistence: 30s,
                                persistenceMask: 24, persistenceMaxEntries: 5000}
                    timeouts: {connect: 1s, idle: 30s, header: 2s, tunnel: 10m, server: 5s, body: 7s, send: 9s}
                    limits: {maxRequestLine: 4096, maxHeaderSize: 8192, minBodyRate: 512, perClient: 20, maxBody: 10MB}
                shutdownGrace: 3s
                limits: {maxConnections: 500}
                gslb:
                  site: agg-1
                  role: master
                  exchange:
                    listen: 127.0.0.1:3011
                    peers: [127.0.0.1:3013]
                    interval: 10ms
                    tls: {certificate: x.pem, key: x.key, ca: hierarchy.pem}
                    snapshotFile: /var/lib/spillway/snapshot.json
                  domains:
                    - name: app.example.com
                      method: staticproximity
                      ttl: 0
                      proximity:
                        - {subnet: 10.0.0.0/8, sites: [branch-a, branch-b]}
                  dns: {listen: 127.0.0.1:5353, zones: [example.com]}
                  resolve: {listen: 127.0.0.1:8053}
                """);
        assertThat(r.errors()).isEmpty();
        SpillwayConfig c = r.config();

        MonitorConfig secure = c.monitors().get(0);
        assertThat(secure.request()).isEqualTo("HEAD /status");
        assertThat(secure.expectStatus()).as("a single status is a list of one").containsExactly(204);
        assertThat(secure.tls()).isEqualTo(new ClientTls("ca.pem", true));
        assertThat(c.monitors().get(1).ftp()).isEqualTo(
                new MonitorConfig.FtpProbe("anonymous", "anonymous@", "RETR /probe.txt"));
        assertThat(c.services().get(0).address()).isEqualTo(new HostPort("::1", 8443));
        assertThat(c.services().get(0).protocol()).isEqualTo(ServiceProtocol.TLS);
        assertThat(c.services().get(0).tls()).isEqualTo(new ClientTls("backends.pem", true));

        VServerConfig front = c.vservers().get(0);
        assertThat(front.tls()).isEqualTo(new TlsConfig("cert.pem", "key.pem"));
        assertThat(front.lbMethod()).isEqualTo(LbMethod.WEIGHTEDROUNDROBIN);
        assertThat(front.spillover().method()).isEqualTo(SpilloverMethod.CONNECTION);
        assertThat(front.spillover().whenFull()).isEqualTo(WhenFull.ACCEPT);
        assertThat(front.spillover().persistence()).isEqualTo(Duration.ofSeconds(30));
        assertThat(front.spillover().persistenceMask()).isEqualTo(24);
        assertThat(front.spillover().persistenceMaxEntries()).isEqualTo(5000);
        assertThat(front.timeouts()).isEqualTo(new VServerConfig.Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(7),
                Duration.ofSeconds(9)));
        assertThat(front.limits()).isEqualTo(new VServerConfig.Limits(4096, 8192, 512, 20, 10L << 20));

        assertThat(c.shutdownGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.limits()).isEqualTo(new ApplianceLimits(500));

        GslbConfig g = c.gslb();
        assertThat(g.role()).isEqualTo(GslbRole.MASTER);
        assertThat(g.exchange().tls()).isEqualTo(new GslbConfig.ExchangeTls("x.pem", "x.key", "hierarchy.pem"));
        assertThat(g.exchange().snapshotFile()).isEqualTo("/var/lib/spillway/snapshot.json");
        assertThat(g.exchange().staleAfter()).isEqualTo(Duration.ofMillis(30));
        assertThat(g.domains().get(0).method()).isEqualTo(GslbMethod.STATICPROXIMITY);
        assertThat(g.domains().get(0).ttl()).isZero();
        assertThat(g.domains().get(0).proximity()).containsExactly(
                new GslbConfig.Proximity("10.0.0.0/8", List.of("branch-a", "branch-b")));
        assertThat(g.dns()).isEqualTo(new GslbConfig.Dns(new HostPort("127.0.0.1", 5353), List.of("example.com")));
        assertThat(g.resolve()).isEqualTo(new HostPort("127.0.0.1", 8053));
        assertThat(front.protocol()).isEqualTo(VServerProtocol.HTTPS);
    }

    @Test
    void http2KeysReadIntoTheModelWithTheirDefaults() {
        SpillwayConfig c = Yaml.parse("""
                services:
                  - {name: grpc, address: 127.0.0.1:50051, protocol: h2c}
                  - {name: secure, address: 127.0.0.1:50052, protocol: h2}
                vservers:
                  - name: plain
                    listen: 127.0.0.1:8080
                    services: [grpc, secure]
                    http2: false
                  - name: tuned
                    listen: 127.0.0.1:8081
                    services: [grpc]
                    limits: {maxConcurrentStreams: 250, initialWindow: 1048576, maxResetsPerSecond: 50, maxPipelined: 4}
                """).config();
        assertThat(c.services()).extracting(s -> s.protocol()).containsExactly(ServiceProtocol.H2C, ServiceProtocol.H2);
        VServerConfig plain = c.vservers().get(0);
        VServerConfig tuned = c.vservers().get(1);
        assertThat(plain.http2()).isFalse();
        assertThat(plain.limits().maxConcurrentStreams()).isEqualTo(VServerConfig.Limits.DEFAULT_MAX_CONCURRENT_STREAMS);
        assertThat(tuned.http2()).as("on unless turned off").isTrue();
        assertThat(tuned.limits()).isEqualTo(new VServerConfig.Limits(8192, 16384, 1024, 0, 0, 250, 1_048_576, 50, 4));
    }

    @Test
    void severalCertificatesAreReadInOrderAndTheFirstIsTheDefault() {
        SpillwayConfig c = Yaml.parse("""
                services:
                  - {name: web, address: 127.0.0.1:8080, protocol: http}
                vservers:
                  - name: front
                    listen: 127.0.0.1:8443
                    protocol: https
                    services: [web]
                    tls:
                      certificates:
                        - {certificate: shop.pem, key: shop.key}
                        - {certificate: api.pem, key: api.key}
                """).config();
        TlsConfig tls = c.vservers().get(0).tls();
        assertThat(tls.certificates()).containsExactly(new TlsConfig.Certificate("shop.pem", "shop.key"),
                new TlsConfig.Certificate("api.pem", "api.key"));
        assertThat(tls.certificate()).isEqualTo("shop.pem");
        assertThat(Yaml.errors("""
                vservers:
                  - name: front
                    protocol: https
                    tls: {certificates: [{certificate: shop.pem}]}
                """)).contains("test.yaml:4:26: vservers[0].tls.certificates[0].key: required key is missing");
    }

    @Test
    void protocolsAndCiphersAreReadBesideTheCertificatesAndDefaultToForwardSecretAead() {
        SpillwayConfig c = Yaml.parse("""
                services:
                  - {name: web, address: 127.0.0.1:8080, protocol: http}
                vservers:
                  - name: front
                    listen: 127.0.0.1:8443
                    protocol: https
                    services: [web]
                    tls:
                      certificate: shop.pem
                      key: shop.key
                      protocols: [TLSv1.2]
                      ciphers: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]
                  - name: plain
                    listen: 127.0.0.1:8444
                    protocol: https
                    services: [web]
                    tls: {certificates: [{certificate: shop.pem, key: shop.key}], protocols: TLSv1.3}
                """).config();
        assertThat(c.vservers().get(0).tls().policy()).isEqualTo(
                new TlsPolicy(List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")));
        assertThat(c.vservers().get(1).tls().policy().protocols()).containsExactly("TLSv1.3");
        assertThat(c.vservers().get(1).tls().policy().ciphers()).isEqualTo(TlsPolicy.DEFAULT_CIPHERS);
        assertThat(TlsPolicy.DEFAULT_CIPHERS).as("AEAD only; for TLS 1.2 ECDHE only").allMatch(suite ->
                suite.matches("TLS_(ECDHE_(RSA|ECDSA)_WITH_)?(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)"));
    }

    @Test
    void nestedBlocksReportUnknownKeysAndMissingRequiredOnes() {
        assertThat(Yaml.errors("""
                gslb:
                  site: agg-1
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:3011
                    tls: {certificate: x.pem, cert: y}
                  dns: {zones: [example.com]}
                """)).containsExactly(
                "test.yaml:6:10: gslb.exchange.tls.key: required key is missing",
                "test.yaml:6:31: gslb.exchange.tls.cert: unknown key (did you mean 'certificate'?); valid keys here: certificate, key, ca, protocols, ciphers",
                "test.yaml:7:8: gslb.dns.listen: required key is missing");
    }

    @Test
    void hostsMustBeAddressesOrHostNames() {
        assertThat(Yaml.errors("admin:\n  listen: \"not a host:80\"\n")).containsExactly(
                "test.yaml:2:11: admin.listen: 'not a host' is not an IP address or a host name");
    }

    @Test
    void durationsAreBoundedAbove() {
        assertThat(Yaml.errors("monitors:\n  - {name: m, type: tcp, timeout: 400d}\n")).containsExactly(
                "test.yaml:2:35: monitors[0].timeout: must be at most 365d, got 400d");
    }

    @Test
    void readerSpellsEnumsExactlyAsTheModel() {
        Stream.of(MonitorType.values(), ServiceProtocol.values(), VServerProtocol.values(), LbMethod.values(),
                        SpilloverMethod.values(), WhenFull.values(), GslbRole.values(), GslbMethod.values())
                .flatMap(Stream::of)
                .forEach(e -> assertThat(ReadContext.configName(e)).isEqualTo(configNameOf(e)));
    }

    private static String configNameOf(Enum<?> e) {
        try {
            return (String) e.getClass().getMethod("configName").invoke(e);
        } catch (ReflectiveOperationException ex) {
            throw new AssertionError(ex);
        }
    }
}
