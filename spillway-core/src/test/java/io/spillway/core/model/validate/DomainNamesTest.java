package io.spillway.core.model.validate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DomainNamesTest {

    @Test
    void acceptsHostNamesAndSpellsThemCanonically() {
        assertThat(DomainNames.isValid("app.example.com")).isTrue();
        assertThat(DomainNames.isValid("app.example.com.")).isTrue();
        assertThat(DomainNames.isValid("_srv.example.com")).isTrue();
        assertThat(DomainNames.isValid("a..b")).isFalse();
        assertThat(DomainNames.isValid("-a.b")).isFalse();
        assertThat(DomainNames.isValid("a".repeat(64) + ".com")).isFalse();
        assertThat(DomainNames.canonical("App.Example.COM.")).isEqualTo("app.example.com");
    }
}
