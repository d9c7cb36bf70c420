package io.spillway.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC P5: whatever the text, the loader answers with a model or with positioned errors,
 * never a throw. Inputs come from fixed seeds so that a failure replays.
 */
class LoaderRobustnessTest {

    private static final String VALID = read();
    private static final String YAML_CHARS = ":-[]{}&*!|>'\"%@`#,?\n\t $abc019.\\";

    @Test
    void randomTextNeverThrows() {
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(300);
            for (int j = 0; j < length; j++) {
                sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x250)
                        : YAML_CHARS.charAt(random.nextInt(YAML_CHARS.length())));
            }
            check(sb.toString());
        }
    }

    @Test
    void everyTruncationOfAValidFileNeverThrows() {
        for (int cut = 0; cut <= VALID.length(); cut += 5) {
            check(VALID.substring(0, cut));
        }
    }

    @Test
    void randomEditsOfAValidFileNeverThrow() {
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder(VALID);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(sb.length());
                char c = YAML_CHARS.charAt(random.nextInt(YAML_CHARS.length()));
                switch (random.nextInt(3)) {
                    case 0 -> sb.setCharAt(at, c);
                    case 1 -> sb.insert(at, c);
                    default -> sb.deleteCharAt(at);
                }
            }
            check(sb.toString());
        }
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        check("a: " + "[".repeat(10_000));
        check("a: " + "{b: ".repeat(5_000));
        assertThat(ConfigLoader.parse("p.yaml", "admin: " + "{b: ".repeat(5_000), Yaml.ENV).errors())
                .extracting(ConfigError::format)
                .containsExactly("p.yaml:1:164: lists and mappings nest deeper than 40 levels");
    }

    @Test
    void hugeInputIsRefusedBeforeParsing() {
        String huge = "# " + "x".repeat(5 * 1024 * 1024);
        assertThat(ConfigLoader.parse("p.yaml", huge, Yaml.ENV).errors()).extracting(ConfigError::format)
                .containsExactly("p.yaml:1:1: file is larger than 4 MiB");
    }

    private static void check(String text) {
        LoadResult r;
        try {
            r = ConfigLoader.parse("p.yaml", text, Yaml.ENV);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("threw on input:\n" + text.substring(0, Math.min(500, text.length())), e);
        }
        assertThat(r.ok()).isEqualTo(r.config() != null);
        long lines = text.chars().filter(c -> c == '\n').count() + 2;
        for (ConfigError e : r.errors()) {
            assertThat(e.line()).as(text).isBetween(1, (int) lines);
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
