package io.spillway.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key and type errors and the semantic errors (references, chains, per-type requirements) come
 * out of one run; a semantic rule is left out only when a field it judges could not be read.
 */
class EveryErrorInOneRunTest {

    @Test
    void unknownKeyAndDanglingBackupAreBothReported() {
        assertThat(Yaml.errors("""
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: http, capacity: 10}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    colour: blue
                    services: [web-1]
                    spillover:
                      backup: nowhere
                """)).containsExactly(
                "test.yaml:6:5: vservers[0].colour: unknown key; valid keys here: name, listen, protocol, tls,"
                        + " lbMethod, services, spillover, peers, timeouts, limits, http2, gslb",
                "test.yaml:9:15: vservers[0].spillover.backup: no vserver named 'nowhere' (vservers: shop)");
    }

    @Test
    void typeErrorsAndAMissingRedirectUrlAndADanglingMonitorAreAllReported() {
        assertThat(Yaml.errors("""
                services:
                  - name: web-1
                    address: 127.0.0.1:8081
                    protocol: http
                    capacity: 10
                    weight: heavy
                    monitors: [absent]
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    services: [web-1]
                    timeouts: {idle: soon}
                    spillover:
                      whenFull: redirect
                """)).containsExactly(
                "test.yaml:6:13: services[0].weight: expected a whole number, got 'heavy'",
                "test.yaml:7:16: services[0].monitors[0]: no monitor named 'absent' (the monitors section is empty)",
                "test.yaml:12:22: vservers[0].timeouts.idle: bad duration 'soon': expected a number and a unit"
                        + " (us, ms, s, m, h, d)",
                "test.yaml:14:7: vservers[0].spillover.redirectUrl: required for whenFull redirect: the URL"
                        + " clients are sent to");
    }

    @Test
    void aReferenceToAVServerWhoseNameCannotBeReadIsNotCalledDangling() {
        assertThat(Yaml.errors("""
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: http, capacity: 10}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    services: [web-1]
                    spillover: {backup: overflow}
                  - name: [overflow]
                    services: [web-1]
                """)).containsExactly(
                "test.yaml:8:11: vservers[1].name: expected a single value, got a list");
    }

    @Test
    void aServiceWhoseProtocolCannotBeReadIsNotJudgedByItsDefault() {
        assertThat(Yaml.errors("""
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: htp, capacity: 10}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    services: [web-1, web-9]
                """)).containsExactly(
                "test.yaml:2:54: services[0].protocol: 'htp' is not one of tcp, http, tls, h2c, h2 (did you mean http?)",
                "test.yaml:6:23: vservers[0].services[1]: no service named 'web-9' (services: web-1)");
    }

    @Test
    void aListThatLostAnItemDoesNotMisplaceTheErrorsAfterIt() {
        // 'web-9' is the model's second service but the file's third: no error is better than a wrong place
        assertThat(Yaml.errors("""
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: http, capacity: 10}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    services: [web-1, [web-2], web-9]
                """)).containsExactly("test.yaml:6:23: vservers[0].services[1]: expected a single value, got a list");
    }
}
