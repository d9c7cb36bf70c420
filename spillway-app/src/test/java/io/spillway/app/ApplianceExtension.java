package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole appliances started from YAML text, as a JUnit 5 extension (Armeria's
 * {@code ServerExtension} is the model), closed after the test in the reverse order of their
 * start. Two ways to start one:
 *
 * <ul>
 *   <li>{@link #start(String)}: <em>the</em> appliance of the test, from a configuration file
 *       ({@code spillway.yaml}) in a directory of the test's own, beside the files it names, so
 *       that the test can rewrite it and reload; one worker thread;</li>
 *   <li>{@link #start(String, String)}: one of several appliances of a test (a GSLB hierarchy,
 *       peers), from YAML text alone, all on one shared two-thread transport.</li>
 * </ul>
 *
 * Listeners are on the ephemeral ports the YAML asks for; where one appliance must know
 * another's port in advance, {@link #freePort()} gives one.
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
 *
 *   Appliance master = appliance.start("master.yaml", masterYaml);
 *   Appliance agg = appliance.start("agg.yaml", aggregatorYaml);
 * </pre>
 */
final class ApplianceExtension implements BeforeEachCallback, AfterEachCallback {

    private final List<Appliance> started = new ArrayList<>();
    private Path dir;
    private Appliance appliance;
    private Transport shared;

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
        started.add(appliance);
        return appliance;
    }

    /**
     * Starts one of several appliances from {@code yaml} (named {@code name} in errors; it must
     * load without errors), on the transport the test's appliances share.
     */
    Appliance start(String name, String yaml) throws Exception {
        LoadResult loaded = ConfigLoader.parse(name, yaml, Map.of());
        assertThat(loaded.errors()).as("errors in " + name).isEmpty();
        if (shared == null) {
            shared = Transport.create(2);
        }
        Appliance started = Appliance.start(loaded.config(), null, shared, false);
        this.started.add(started);
        return started;
    }

    /** Closes {@code appliance} now rather than after the test. */
    void stop(Appliance appliance) {
        started.remove(appliance);
        appliance.close();
    }

    /** A loopback port free now, for a listener whose address another appliance must know in advance. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
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
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            started.clear();
            appliance = null;
            if (shared != null) {
                shared.close();
                shared = null;
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
