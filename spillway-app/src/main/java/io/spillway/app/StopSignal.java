package io.spillway.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.CountDownLatch;

/**
 * SIGTERM and SIGINT ask {@code spillway run} to stop. The JVM's own handlers run the shutdown
 * hooks and then exit with 128 + the signal's number (143); an operator's supervisor expects 0
 * from a clean stop (CONTRACT "Operations"). Taking the signals through {@code sun.misc.Signal}
 * lets the main thread drain the appliance ({@code shutdownGrace}) and return 0. Where the JVM
 * keeps a signal for itself ({@code -Xrs}) the shutdown hook of {@link RunCommand} still stops
 * the appliance cleanly, with the JVM's exit status.
 */
final class StopSignal {

    private static final Logger log = LoggerFactory.getLogger(StopSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private volatile String name;

    private StopSignal() {
    }

    static StopSignal install() {
        StopSignal stop = new StopSignal();
        for (String signal : new String[]{"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(signal), s -> stop.request("SIG" + s.getName()));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                log.info("event=signal_unavailable signal=SIG{} reason=\"{}\"", signal, e.getMessage());
            }
        }
        return stop;
    }

    private void request(String signal) {
        name = signal;
        requested.countDown();
    }

    /** Blocks until SIGTERM or SIGINT arrives; returns its name. */
    String await() throws InterruptedException {
        requested.await();
        return name;
    }
}
