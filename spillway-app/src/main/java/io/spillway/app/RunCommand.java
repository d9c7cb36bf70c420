package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code spillway run -c FILE}: starts an appliance and runs until SIGTERM or SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start an appliance from a YAML configuration file; stops cleanly on SIGTERM/SIGINT.")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    @Option(names = "--threads", defaultValue = "0", description = "event-loop threads (default: one per core)")
    int threads;

    @Override
    public Integer call() throws Exception {
        LoadResult result = ConfigLoader.load(config);
        if (!result.ok()) {
            ValidateCommand.printErrors(result, System.err);
            return 1;
        }
        Appliance appliance = Appliance.start(result.config(), config, threads);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("event=stopping reason=signal");
            appliance.close();
            stopped.countDown();
        }, "spillway-shutdown"));
        log.info("event=started config={} {}", config, appliance.describe());
        stopped.await();
        return 0;
    }
}
