package io.spillway.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code System.out} and {@code System.err} captured for each test and put back after it, as a
 * JUnit 5 extension: what a command prints, or what a console log appender writes, is then text
 * the test can read.
 *
 * <pre>
 *   &#64;RegisterExtension
 *   final ConsoleCapture console = new ConsoleCapture();
 *
 *   assertThat(Main.execute("validate", file)).isZero();
 *   assertThat(console.out()).isEqualTo("ok\n");
 * </pre>
 */
public final class ConsoleCapture implements BeforeEachCallback, AfterEachCallback {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    /** What was printed on standard output since the test began (or the last {@link #reset()}). */
    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What was printed on standard error since the test began (or the last {@link #reset()}). */
    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what was printed so far. */
    public void reset() {
        out.reset();
        err.reset();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }
}
