package io.spillway.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Test fixture: appliances as real {@code spillway run -c FILE} JVMs (the launcher's main class
 * on the test's class path, or a given launcher such as {@code bin/spillway}), each with its own
 * working directory and log file. {@link #close} stops every process it started, by its own
 * handle.
 */
final class ApplianceProcesses implements AutoCloseable {

    /** A started appliance: its process and the file its stdout and stderr go to. */
    record Started(Process process, Path log) {

        long pid() {
            return process.pid();
        }

        String logText() throws IOException {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        }
    }

    private final List<Process> processes = new ArrayList<>();
    private final List<String> launcher;

    /** Appliances run by the test's own JVM and class path (small heap, quick start). */
    ApplianceProcesses() {
        this(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    }

    /** Appliances run by {@code launcher} (e.g. {@code bin/spillway}, as an operator runs them). */
    ApplianceProcesses(List<String> launcher) {
        this.launcher = List.copyOf(launcher);
    }

    /** Starts {@code spillway run -c config} in {@code workingDir}. */
    Started run(Path config, Path workingDir) throws IOException {
        Path log = workingDir.resolve(config.getFileName() + ".log");
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of("run", "-c", config.toString()));
        Process p = new ProcessBuilder(command)
                .directory(workingDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        processes.add(p);
        return new Started(p, log);
    }

    /** Sends a signal by pid with the system's {@code kill}, as an operator or systemd would. */
    static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + pid + " failed");
        }
    }

    static void waitForPort(int port) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }
}
