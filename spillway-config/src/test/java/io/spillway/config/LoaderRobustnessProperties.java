package io.spillway.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** SPEC P5: whatever the bytes, the loader answers with a model or with positioned errors, never a throw. */
class LoaderRobustnessProperties {

    private static final String VALID = read();

    @Property(tries = 300)
    void randomTextNeverThrows(@ForAll("yamlish") String text) {
        check(text);
    }

    @Property(tries = 300)
    void everyTruncationOfAValidFileNeverThrows(@ForAll @IntRange(min = 0, max = 4000) int cut) {
        check(VALID.substring(0, Math.min(cut, VALID.length())));
    }

    @Property(tries = 300)
    void everySingleCharacterEditOfAValidFileNeverThrows(@ForAll @IntRange(min = 0, max = 4000) int at,
                                                         @ForAll("yamlChars") char replacement) {
        int i = Math.min(at, VALID.length() - 1);
        check(VALID.substring(0, i) + replacement + VALID.substring(i + 1));
    }

    @Provide
    Arbitrary<String> yamlish() {
        return Arbitraries.strings().withChars(":-[]{}&*!|>'\"%@`#,?\n\t $abc019.")
                .withCharRange('\u0000', '\u00ff').ofMaxLength(300);
    }

    @Provide
    Arbitrary<Character> yamlChars() {
        return Arbitraries.chars().with(":-[]{}&*!|>'\"%@`#,? \n\t$x0");
    }

    private static void check(String text) {
        LoadResult r = ConfigLoader.parse("p.yaml", text, Yaml.ENV);
        assertThat(r.ok()).isEqualTo(r.config() != null);
        long lines = text.chars().filter(c -> c == '\n').count() + 2;
        for (ConfigError e : r.errors()) {
            assertThat(e.line()).isBetween(1, (int) lines);
            assertThat(e.column()).isPositive();
            assertThat(e.message()).isNotBlank().doesNotContain("\n");
        }
    }

    private static String read() {
        try {
            return Files.readString(Path.of("src/test/resources/contract-example.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
