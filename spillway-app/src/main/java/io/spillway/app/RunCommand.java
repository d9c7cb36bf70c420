package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code spillway run -c FILE}: starts an appliance and runs until SIGTERM or SIGINT
 * ({@link StopSignal}), then stops it gracefully within {@code shutdownGrace} and exits 0; SIGHUP
 * re-reads the file ({@link ReloadSignal}).
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Start an appliance from a YAML configuration file; SIGHUP re-reads the file, "
                + "SIGTERM/SIGINT stop it cleanly.")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML configuration file")
    Path config;

    /** More event loops than this would only be a typo; each is a thread with its own buffers. */
    static final int MAX_THREADS = 1024;

    @Spec
    CommandSpec spec;

    int threads;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "event-loop threads, 1 to " + MAX_THREADS + " (default 0: one per core)")
    void threads(int value) {
        if (value < 0 || value > MAX_THREADS) {
            throw new ParameterException(spec.commandLine(), "--threads must be between 0 and " + MAX_THREADS
                    + ", got " + value);
        }
        threads = value;
    }

    @Override
    public Integer call() throws Exception {
        LoadResult result = ConfigLoader.load(config);
        if (!result.ok()) {
            ValidateCommand.printErrors(result, System.err);
            return 1;
        }
        Appliance appliance = Appliance.start(result.config(), config, threads);
        ReloadSignal reloadSignal = ReloadSignal.install(appliance);
        StopSignal stopSignal = StopSignal.install();
        AtomicBoolean stopped = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopped.compareAndSet(false, true)) {
                reloadSignal.close();
                appliance.close(); // drains for shutdownGrace
                log.info("event=stopped");
            }
        };
        // any other way the JVM ends (System.exit, a signal kept by the JVM) still stops cleanly
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "spillway-shutdown"));
        log.info("event=started config={} {}", config, appliance.describe());
        String signal = stopSignal.await();
        log.info("event=stopping reason=signal signal={} grace={}", signal, appliance.config().shutdownGrace());
        stop.run();
        return 0;
    }
}
