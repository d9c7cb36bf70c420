package io.spillway.app;

import io.spillway.config.ConfigError;
import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code spillway validate -c FILE}: prints {@code ok}, or every error, and exits 0 or 1. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a configuration file; print ok, or every error as FILE:LINE:COLUMN: field.path: message.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    @Override
    public Integer call() {
        LoadResult result = ConfigLoader.load(config);
        if (result.ok()) {
            System.out.println("ok");
            return 0;
        }
        printErrors(result, System.out);
        return 1;
    }

    static void printErrors(LoadResult result, PrintStream out) {
        for (ConfigError e : result.errors()) {
            out.println(e.format());
        }
    }
}
