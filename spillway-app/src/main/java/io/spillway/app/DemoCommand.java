package io.spillway.app;

import io.spillway.app.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code spillway demo}: a self-contained demonstration on loopback, until Ctrl-C. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a self-contained demo on loopback: backends, a spillover chain with redirect, "
                + "monitors, a small GSLB hierarchy; prints the URLs and a line of live state per second.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--no-load", description = "do not run the built-in client load")
    boolean noLoad;

    @Spec
    CommandSpec spec;

    long seconds;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "stop after this many seconds (default 0: run until Ctrl-C)")
    void duration(long value) {
        if (value < 0) {
            throw new ParameterException(spec.commandLine(), "--duration must be 0 or more seconds, got " + value);
        }
        seconds = value;
    }

    @Override
    public Integer call() throws Exception {
        try (Demo demo = Demo.start(!noLoad, System.out)) {
            demo.printWelcome();
            demo.runUntil(seconds > 0 ? Duration.ofSeconds(seconds) : null);
        }
        return 0;
    }
}
