package io.spillway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LoadFileTest {

    @TempDir
    Path dir;

    @Test
    void missingFileIsAnErrorAtItsStart() {
        Path file = dir.resolve("absent.yaml");
        assertThat(ConfigLoader.load(file, Map.of()).errors()).extracting(ConfigError::format)
                .containsExactly(file + ":1:1: cannot read the file: no such file");
    }

    @Test
    void aDirectoryIsAnError() {
        LoadResult r = ConfigLoader.load(dir, Map.of());
        assertThat(r.ok()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.message()).startsWith("cannot read the file");
        });
    }

    @Test
    void invalidUtf8IsAnError() throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[]{'a', 'd', 'm', 'i', 'n', ':', ' ', (byte) 0xE9, '\n'});
        assertThat(ConfigLoader.load(file, Map.of()).errors()).extracting(ConfigError::format)
                .containsExactly(file + ":1:1: the file is not valid UTF-8 text");
    }

    @Test
    void fileErrorsNameTheFileAsGiven() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "admin:\n  listen: nowhere\n");
        assertThat(ConfigLoader.load(file, Map.of()).errors()).extracting(ConfigError::format)
                .containsExactly(file + ":2:11: admin.listen: expected host:port (IPv6 as [addr]:port), got 'nowhere'");
    }

    @Test
    void processEnvironmentIsUsedByDefault() throws Exception {
        Path file = dir.resolve("env.yaml");
        Files.writeString(file, "admin:\n  listen: 127.0.0.1:9900\n  token: ${PATH}\n");
        LoadResult r = ConfigLoader.load(file);
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().admin().token()).isEqualTo(System.getenv("PATH"));
    }

    @Test
    void byteOrderMarkIsIgnored() throws Exception {
        Path file = dir.resolve("bom.yaml");
        Files.writeString(file, "\uFEFFadmin:\n  listen: 127.0.0.1:9900\n");
        assertThat(ConfigLoader.load(file, Map.of()).errors()).isEmpty();
    }
}
