package io.spillway.core.model.validate;

import io.spillway.core.model.TlsPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TlsRulesTest {

    private static List<ConfigProblem> check(List<String> protocols, List<String> ciphers) {
        Findings out = new Findings();
        TlsRules.check(new TlsPolicy(protocols, ciphers), "vservers[0].tls", out);
        return out.list();
    }

    @Test
    void theDefaultsAreValid() {
        assertThat(check(null, null)).isEmpty();
    }

    @Test
    void onlyTls13And12AreOffered() {
        assertThat(check(List.of("TLSv1.1", "TLSv1.4"), null)).containsExactly(
                new ConfigProblem("vservers[0].tls.protocols",
                        "'TLSv1.1' is not offered; one of TLSv1.3, TLSv1.2 (RFC 8996 retired TLS 1.0 and 1.1)"),
                new ConfigProblem("vservers[0].tls.protocols", "'TLSv1.4' is not offered; one of TLSv1.3, TLSv1.2"));
    }

    @Test
    void cipherSuitesAreSpeltByTheirIanaNames() {
        assertThat(check(List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256")))
                .containsExactly(new ConfigProblem("vservers[0].tls.ciphers", "'ECDHE-RSA-AES128-GCM-SHA256' is not an"
                        + " IANA cipher suite name (like TLS_AES_128_GCM_SHA256 or TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)"));
    }

    @Test
    void everyOfferedVersionNeedsASuiteOfItsOwn() {
        assertThat(check(null, List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))).containsExactly(
                new ConfigProblem("vservers[0].tls.ciphers",
                        "TLSv1.3 is offered but no TLS 1.3 suite is listed (e.g. TLS_AES_128_GCM_SHA256)"));
        assertThat(check(List.of("TLSv1.2"), List.of("TLS_AES_128_GCM_SHA256"))).containsExactly(
                new ConfigProblem("vservers[0].tls.ciphers", "TLSv1.2 is offered but no TLS 1.2 suite is listed"
                        + " (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)"));
        assertThat(check(List.of("TLSv1.3"), List.of("TLS_AES_128_GCM_SHA256"))).isEmpty();
    }
}
