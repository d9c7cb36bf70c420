package io.spillway.config;

import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvSubstitutionTest {

    private static final String SERVICE = """
            services:
              - name: web-1
                address: %s
                capacity: %s
            vservers:
              - name: shop
                listen: 127.0.0.1:0
                protocol: tcp
                services: [web-1]
            """;

    @Test
    void setVariablesAreSubstitutedInsideAnyScalar() {
        LoadResult r = Yaml.parse(SERVICE.formatted("${HOST}:${PORT}", "${CAP}").replace("${CAP}", "${PORT}"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().services().get(0).address()).isEqualTo(new HostPort("127.0.0.1", 8080));
        assertThat(r.config().services().get(0).capacity()).isEqualTo(8080);
    }

    @Test
    void substitutionHappensInListItemsToo() {
        LoadResult r = ConfigLoader.parse("t.yaml", SERVICE.formatted("127.0.0.1:1", "1")
                .replace("[web-1]", "[\"${SVC}\"]"), Map.of("SVC", "web-1"));
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().vservers().get(0).services()).containsExactly("web-1");
    }

    @Test
    void unsetVariablesAreErrorsNamingEachVariable() {
        assertThat(Yaml.errors(SERVICE.formatted("${NOPE_HOST}:${NOPE_PORT}", "1"))).containsExactly(
                "test.yaml:3:14: services[0].address: environment variable NOPE_HOST is not set",
                "test.yaml:3:14: services[0].address: environment variable NOPE_PORT is not set");
    }

    @Test
    void doubleDollarEscapesAReference() {
        LoadResult r = Yaml.parse("admin:\n  listen: 127.0.0.1:9900\n  token: \"$${NOT_A_VAR}x$y\"\n");
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().admin().token()).isEqualTo("${NOT_A_VAR}x$y");
    }

    @Test
    void defaultIsUsedOnlyWhenTheVariableIsUnset() {
        String yaml = "admin:\n  listen: 127.0.0.1:9900\n  token: ${TOKEN:-fallback}\n";
        assertThat(ConfigLoader.parse("t.yaml", yaml, Map.of()).config().admin().token()).isEqualTo("fallback");
        assertThat(ConfigLoader.parse("t.yaml", yaml, Map.of("TOKEN", "real")).config().admin().token())
                .isEqualTo("real");
    }

    @Test
    void malformedReferencesAreErrors() {
        assertThat(Yaml.errors("admin:\n  token: ${UNCLOSED\n")).containsExactly(
                "test.yaml:2:10: admin.token: unclosed '${' in '${UNCLOSED' (write $${ for a literal ${)");
        assertThat(Yaml.errors("admin:\n  token: ${1BAD}\n")).containsExactly(
                "test.yaml:2:10: admin.token: '${1BAD}' is not a variable reference: a name is letters, digits and _");
    }

    @Test
    void substitutedTextIsTypedAfterSubstitution() {
        assertThat(ConfigLoader.parse("t.yaml", SERVICE.formatted("127.0.0.1:1", "${CAP}"), Map.of("CAP", "many"))
                .errors()).extracting(ConfigError::format)
                .containsExactly("t.yaml:4:15: services[0].capacity: expected a whole number, got 'many'");
    }

    @Test
    void keysAndCommentsAreNotSubstituted() {
        LoadResult r = Yaml.parse("# ${UNSET} in a comment\nadmin:\n  listen: 127.0.0.1:9900\n");
        assertThat(r.errors()).isEmpty();
    }
}
