package io.spillway.proxy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which first request lines of the resolve endpoint are {@code /go/} requests for the data plane,
 * and the target the chosen branch sees: the path and query after the domain, as sent.
 */
class GoTargetTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GET /go/app.example.com/hello?x=1 HTTP/1.1      | app.example.com | GET /hello?x=1 HTTP/1.1",
            "POST /go/app.example.com/a/b%20c?d=e%2Ff HTTP/1.1 | app.example.com | POST /a/b%20c?d=e%2Ff HTTP/1.1",
            "GET /go/app.example.com HTTP/1.1                | app.example.com | GET / HTTP/1.1",
            "GET /go/app.example.com/ HTTP/1.0               | app.example.com | GET / HTTP/1.0",
            "HEAD /go/app.example.com?q=1 HTTP/1.1           | app.example.com | HEAD /?q=1 HTTP/1.1",
            "GET /go/App.Example.COM./x HTTP/1.1             | app.example.com | GET /x HTTP/1.1",
            "GET /go/app%2Eexample.com//x HTTP/1.1           | app.example.com | GET //x HTTP/1.1",
            "GET /go/app.example.com/x HTTP/9.9              | app.example.com | GET /x HTTP/9.9",
    })
    void goRequestNamesItsDomainAndKeepsWhatFollowsItAsTheTarget(String line, String domain, String rewritten) {
        GoTarget go = GoTarget.parse(line);

        assertThat(go).isNotNull();
        assertThat(go.domain()).isEqualTo(domain);
        assertThat(go.line()).as("the version is the engine's decoder's to judge").isEqualTo(rewritten);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /resolve?domain=app.example.com HTTP/1.1",
            "GET /go HTTP/1.1",
            "GET /go/ HTTP/1.1",
            "GET /go//x HTTP/1.1",
            "GET /gone/app.example.com/x HTTP/1.1",
            "GET /go/app%2gexample.com/x HTTP/1.1",
            "GET /go/app%C3%A9.example.com/x HTTP/1.1",
            "GET /go/-app.example.com/x HTTP/1.1",
            "GET /go/app.example.com/x",
            "GET http://host/go/app.example.com/x HTTP/1.1",
            " /go/app.example.com/x HTTP/1.1",
            "",
    })
    void anythingElseIsLeftToTheJsonEndpoint(String line) {
        assertThat(GoTarget.parse(line)).isNull();
    }
}
