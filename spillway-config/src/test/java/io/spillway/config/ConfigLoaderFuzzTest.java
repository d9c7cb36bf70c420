package io.spillway.config;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the YAML configuration loader (SPEC P5): whatever the text, the
 * loader answers with a model or with errors, never a throw, and in bounded time. Its last
 * resort for a throw inside the reader, an "internal error" answer, counts as a finding too.
 */
class ConfigLoaderFuzzTest {

    private static final Map<String, String> ENV = Map.of("PORT", "8080", "HOST", "127.0.0.1", "EMPTY", "",
            "TOKEN", "s3cret");
    /** Far above the few milliseconds a configuration takes; only a blow-up (aliases, nesting) goes past it. */
    private static final long LIMIT_NANOS = 5_000_000_000L;

    @FuzzTest
    void parse(FuzzedDataProvider data) {
        String yaml = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        long start = System.nanoTime();
        LoadResult result = ConfigLoader.parse("fuzz.yaml", yaml, ENV);
        long took = System.nanoTime() - start;
        if (result == null) {
            throw new AssertionError("no result");
        }
        if (result.ok() != (result.config() != null)) {
            throw new AssertionError("a result with both a model and errors, or neither");
        }
        // the loader's answer to an exception of its own: one error, at no path, with this message
        // (the text alone could be an echo of the input: the fuzzer soon writes it into a key)
        if (result.errors().size() == 1 && result.errors().get(0).path().isEmpty()
                && result.errors().get(0).message().startsWith("internal error while reading the configuration: ")) {
            throw new AssertionError("the loader failed with an exception:\n" + result.describe());
        }
        if (took > LIMIT_NANOS) {
            throw new AssertionError("reading took " + took / 1_000_000 + " ms");
        }
    }
}
