package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole appliance started from YAML text, as a JUnit 5 extension (Armeria's
 * {@code ServerExtension} is the model): each test gets a directory of its own for the
 * configuration file ({@code spillway.yaml}) and the files it names; the appliance the test
 * starts (one worker thread, its listeners on the ephemeral ports the YAML asks for) is closed
 * and the directory deleted after the test.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   final ApplianceExtension appliance = new ApplianceExtension();
 *
 *   Appliance a = appliance.start("""
 *           services: ...
 *           """);
 *   appliance.write(changedYaml);
 *   a.reload();
 * </pre>
 */
final class ApplianceExtension implements BeforeEachCallback, AfterEachCallback {

    private Path dir;
    private Appliance appliance;

    /** The test's own directory. */
    Path dir() {
        return dir;
    }

    /** The configuration file, {@code spillway.yaml} in {@link #dir()}. */
    Path file() {
        return dir.resolve("spillway.yaml");
    }

    /** Writes {@code yaml} as the configuration file (for a start, or a reload that follows) and returns it. */
    Path write(String yaml) throws IOException {
        return Files.writeString(file(), yaml);
    }

    /** Writes {@code yaml} as the configuration file and starts the appliance from it. */
    Appliance start(String yaml) throws Exception {
        return startFrom(write(yaml));
    }

    /** Starts the appliance from {@code file}, which must load without errors. */
    Appliance startFrom(Path file) throws Exception {
        LoadResult loaded = ConfigLoader.load(file);
        assertThat(loaded.errors()).as("errors in " + file.getFileName()).isEmpty();
        appliance = Appliance.start(loaded.config(), file, 1);
        return appliance;
    }

    /** The appliance the test started. */
    Appliance get() {
        return appliance;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("spillway-appliance");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (appliance != null) {
                appliance.close();
                appliance = null;
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }
}
