package io.spillway.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each kind of error, with the exact line the CLI prints: FILE:LINE:COLUMN: path: message. */
class ConfigErrorsTest {

    @Test
    void validMinimalFileHasNoErrors() {
        LoadResult r = Yaml.parse("""
                services:
                  - name: web-1
                    address: 127.0.0.1:8081
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    protocol: tcp
                    services: [web-1]
                """);
        assertThat(r.errors()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.config().vservers()).hasSize(1);
    }

    @Test
    void unknownKeySuggestsTheClosestValidKey() {
        assertThat(Yaml.errors("""
                services:
                  - name: web-1
                    adress: 127.0.0.1:8081
                """)).containsExactly(
                "test.yaml:2:5: services[0].address: required key is missing",
                "test.yaml:3:5: services[0].adress: unknown key (did you mean 'address'?); valid keys here: "
                        + "name, address, protocol, capacity, weight, monitors, monitorThreshold, tls");
    }

    @Test
    void unknownTopLevelKeyIsReportedAtTheKey() {
        assertThat(Yaml.errors("vserver:\n  - name: a\n")).containsExactly(
                "test.yaml:1:1: vserver: unknown key (did you mean 'vservers'?); valid keys here: "
                        + "admin, monitors, services, vservers, gslb, shutdownGrace, limits, logging, cluster");
    }

    @Test
    void stringWhereANumberIsNeeded() {
        assertThat(Yaml.errors("""
                services:
                  - name: web-1
                    address: 127.0.0.1:8081
                    capacity: lots
                """)).containsExactly("test.yaml:4:15: services[0].capacity: expected a whole number, got 'lots'");
    }

    @Test
    void mappingWhereAListIsNeeded() {
        assertThat(Yaml.errors("""
                services:
                  web-1: {address: 127.0.0.1:8081}
                """)).containsExactly("test.yaml:2:3: services: expected a list, got a mapping");
    }

    @Test
    void listWhereASingleValueIsNeeded() {
        assertThat(Yaml.errors("""
                admin:
                  listen: [127.0.0.1:9900]
                """)).containsExactly("test.yaml:2:11: admin.listen: expected a single value, got a list");
    }

    @Test
    void badDuration() {
        assertThat(Yaml.errors("""
                monitors:
                  - name: m
                    type: tcp
                    interval: 5 seconds
                """)).containsExactly("test.yaml:4:15: monitors[0].interval: bad duration '5 seconds': "
                + "unknown unit 'seconds' (use us, ms, s, m, h or d)");
    }

    @Test
    void badAddress() {
        assertThat(Yaml.errors("""
                services:
                  - name: a
                    address: localhost
                  - name: b
                    address: 127.0.0.1:70000
                """)).containsExactly(
                "test.yaml:3:14: services[0].address: expected host:port (IPv6 as [addr]:port), got 'localhost'",
                "test.yaml:5:14: services[1].address: port 70000 is outside 0-65535");
    }

    @Test
    void badEnumValueListsTheValidOnes() {
        assertThat(Yaml.errors("""
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    services: [web-1]
                    lbMethod: leastconn
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: http}
                """)).containsExactly("test.yaml:5:15: vservers[0].lbMethod: 'leastconn' is not one of "
                + "roundrobin, weightedroundrobin, leastconnection, leastresponsetime, sourceiphash"
                + " (did you mean leastconnection?)");
    }

    @Test
    void numbersOutOfRange() {
        assertThat(Yaml.errors("""
                monitors:
                  - name: m
                    type: tcp
                    interval: 5ms
                    timeout: 0s
                    failures: 0
                    weight: 0
                services:
                  - name: web-1
                    address: 127.0.0.1:8081
                    capacity: -1
                vservers:
                  - name: shop
                    services: [web-1]
                    spillover:
                      persistenceMask: 33
                gslb:
                  site: a
                  role: aggregator
                  exchange:
                    interval: 500us
                """)).containsExactly(
                "test.yaml:4:15: monitors[0].interval: must be at least 10ms, got 5ms",
                "test.yaml:5:14: monitors[0].timeout: must be longer than 0, got 0s",
                "test.yaml:6:15: monitors[0].failures: must be between 1 and 1000, got 0",
                "test.yaml:7:13: monitors[0].weight: must be between 1 and 1000, got 0",
                "test.yaml:11:15: services[0].capacity: must be between 0 and 10000000, got -1",
                "test.yaml:13:5: vservers[0].listen: vserver shop has no listen and is no vServer's backup:"
                        + " it can never receive a connection",
                "test.yaml:14:16: vservers[0].services[0]: an http vserver cannot bind tcp service 'web-1'"
                        + " (it binds http, h2c, h2 or tls services)",
                "test.yaml:16:24: vservers[0].spillover.persistenceMask: must be between 0 and 32, got 33",
                "test.yaml:21:5: gslb.exchange.listen: required for an aggregator: where branches and peer"
                        + " aggregators connect",
                "test.yaml:21:5: gslb.exchange.secret: every exchange connection authenticates: set secret"
                        + " (shared by the hierarchy) or tls (mutual TLS)",
                "test.yaml:21:15: gslb.exchange.interval: must be at least 1ms, got 500us");
    }

    @Test
    void unsetEnvironmentVariableIsNamed() {
        assertThat(Yaml.errors("""
                admin:
                  listen: 127.0.0.1:9900
                  token: ${ADMIN_TOKEN}
                """)).containsExactly("test.yaml:3:10: admin.token: environment variable ADMIN_TOKEN is not set");
    }

    @Test
    void duplicateNamesWithinASection() {
        assertThat(Yaml.errors("""
                services:
                  - name: web-1
                    address: 127.0.0.1:8081
                  - name: web-1
                    address: 127.0.0.1:8082
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    protocol: tcp
                    services: [web-1]
                """)).containsExactly("test.yaml:4:11: services[1].name: duplicate service name 'web-1' (also services[0])");
    }

    @Test
    void missingRequiredFieldIsReportedAtItsMapping() {
        assertThat(Yaml.errors("""
                monitors:
                  - type: tcp
                    interval: 1s
                """)).containsExactly("test.yaml:2:5: monitors[0].name: required key is missing");
    }

    @Test
    void duplicateKeyNamesBothLines() {
        assertThat(Yaml.errors("""
                admin:
                  listen: 127.0.0.1:9900
                  listen: 127.0.0.1:9901
                """)).containsExactly("test.yaml:3:3: admin.listen: duplicate key 'listen' (first at line 2)");
    }

    @Test
    void malformedYamlIsReportedWhereTheScannerStopped() {
        assertThat(Yaml.errors("""
                admin:
                  listen: [127.0.0.1:9900
                services: []
                """)).singleElement().asString()
                .startsWith("test.yaml:3:")
                .contains("malformed YAML");
        assertThat(Yaml.errors("a: b: c\n")).containsExactly(
                "test.yaml:1:5: malformed YAML: mapping values are not allowed here");
    }

    @Test
    void emptyFileAndNonMappingRootAreErrors() {
        assertThat(Yaml.errors("")).containsExactly("test.yaml:1:1: the file holds no configuration");
        assertThat(Yaml.errors("# only a comment\n")).containsExactly("test.yaml:1:1: the file holds no configuration");
        assertThat(Yaml.errors("- a\n- b\n")).containsExactly(
                "test.yaml:1:1: expected a mapping (key: value), got a list");
    }

    @Test
    void aSecondDocumentIsAnError() {
        assertThat(Yaml.errors("admin: {}\n---\nadmin: {}\n")).containsExactly(
                "test.yaml:3:1: a second YAML document: the configuration must be a single document");
    }

    @Test
    void aliasesAreRefusedWithAHint() {
        assertThat(Yaml.errors("""
                services:
                  - &web {name: web-1, address: 127.0.0.1:8081}
                  - *web
                """)).contains("test.yaml:3:5: services[1]: YAML aliases (*web) are not supported: write the value out");
    }

    @Test
    void semanticProblemsAreReportedAtTheFieldTheyName() {
        assertThat(Yaml.errors("""
                services:
                  - name: web-1
                    address: 127.0.0.1:8081
                    protocol: http
                    capacity: 10
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    services: [web-1, web-9]
                    spillover:
                      backup: overflow
                """)).containsExactly(
                "test.yaml:9:23: vservers[0].services[1]: no service named 'web-9' (services: web-1)",
                "test.yaml:11:15: vservers[0].spillover.backup: no vserver named 'overflow' (vservers: shop)");
    }

    @Test
    void aMissingSemanticFieldIsReportedAtItsClosestWrittenParent() {
        assertThat(Yaml.errors("""
                services:
                  - name: web-1
                    address: 127.0.0.1:8081
                    protocol: http
                    capacity: 10
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    services: [web-1]
                    spillover:
                      whenFull: redirect
                """)).containsExactly(
                "test.yaml:11:7: vservers[0].spillover.redirectUrl: required for whenFull redirect: the URL clients are sent to");
    }

    @Test
    void everyErrorIsReportedAtOnceInFileOrder() {
        LoadResult r = Yaml.parse("""
                admin:
                  listen: 127.0.0.1
                monitors:
                  - name: m
                    type: icmp
                    timeout: fast
                services:
                  - name: web-1
                    address: 127.0.0.1:8081
                    weight: 0
                    colour: blue
                vservers:
                  - name: shop
                    protocol: ftp
                    services: web-1
                """);
        assertThat(r.ok()).isFalse();
        assertThat(r.config()).isNull();
        assertThat(r.errors()).extracting(ConfigError::format).containsExactly(
                "test.yaml:2:11: admin.listen: expected host:port (IPv6 as [addr]:port), got '127.0.0.1'",
                "test.yaml:5:11: monitors[0].type: 'icmp' is not one of ping, tcp, tcp-ecv, http, http-ecv, https,"
                        + " https-ecv, udp-ecv, dns, ftp",
                "test.yaml:6:14: monitors[0].timeout: bad duration 'fast': expected a number and a unit (us, ms, s, m, h, d)",
                "test.yaml:10:13: services[0].weight: must be between 1 and 10000, got 0",
                "test.yaml:11:5: services[0].colour: unknown key; valid keys here: name, address, protocol, capacity,"
                        + " weight, monitors, monitorThreshold, tls",
                "test.yaml:13:5: vservers[0].listen: vserver shop has no listen and is no vServer's backup:"
                        + " it can never receive a connection",
                "test.yaml:14:15: vservers[0].protocol: 'ftp' is not one of tcp, http, https, tls-tcp");
    }

    @Test
    void wrongTypeInsideAListNamesTheItem() {
        assertThat(Yaml.errors("""
                monitors:
                  - name: m
                    type: http
                    expectStatus: [200, ok, 999]
                """)).containsExactly(
                "test.yaml:4:25: monitors[0].expectStatus[1]: expected a whole number, got 'ok'",
                "test.yaml:4:29: monitors[0].expectStatus[2]: must be between 100 and 599, got 999");
    }
}
