package io.spillway.app;

import io.spillway.core.model.Durations;
import io.spillway.core.model.SpillwayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code deploy/spillway.service} and {@code deploy/Containerfile}: what operations.md promises of them. */
class DeployFilesTest {

    private static final Path UNIT = Path.of("../deploy/spillway.service");
    private static final Path CONTAINERFILE = Path.of("../deploy/Containerfile");

    @TempDir
    Path dir;

    /** The unit's {@code [Service]} keys (last value wins, as systemd reads a key set twice). */
    private static Map<String, String> service() throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        String section = "";
        for (String line : Files.readAllLines(UNIT)) {
            String t = line.strip();
            if (t.startsWith("[")) {
                section = t;
            } else if (section.equals("[Service]") && !t.isEmpty() && !t.startsWith("#") && t.contains("=")) {
                keys.put(t.substring(0, t.indexOf('=')), t.substring(t.indexOf('=') + 1));
            }
        }
        return keys;
    }

    @Test
    void theUnitReloadsWithSighupAndGivesTheDrainMoreTimeThanShutdownGrace() throws Exception {
        Map<String, String> s = service();
        assertThat(s.get("ExecStart")).contains("-jar /opt/spillway/spillway.jar run -c ");
        assertThat(s.get("ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
        assertThat(s.get("KillSignal")).isEqualTo("SIGTERM");
        Duration stop = Durations.parse(s.get("TimeoutStopSec"));
        assertThat(stop).isGreaterThan(SpillwayConfig.DEFAULT_SHUTDOWN_GRACE.plusSeconds(5));
        assertThat(s.get("User")).isNotBlank().isNotEqualTo("root");
        assertThat(Long.parseLong(s.get("LimitNOFILE"))).isGreaterThanOrEqualTo(65536);
    }

    @Test
    void theUnitIsHardened() throws Exception {
        Map<String, String> s = service();
        assertThat(s).containsEntry("NoNewPrivileges", "yes")
                .containsEntry("ProtectSystem", "strict")
                .containsEntry("ProtectHome", "yes")
                .containsEntry("PrivateTmp", "yes")
                .doesNotContainKey("MemoryDenyWriteExecute"); // the JIT needs writable code pages
        assertThat(s.get("CapabilityBoundingSet")).isEqualTo("CAP_NET_BIND_SERVICE");
    }

    @Test
    void systemdReadsTheUnitWithoutAWarning() throws Exception {
        assumeTrue(available("systemd-analyze"), "systemd-analyze is not installed");
        Path copy = Files.copy(UNIT, dir.resolve("spillway.service"));
        Process p = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // verify exits 0 on unknown keys and bad values, and names the file in its warnings
        assertThat(out.lines().filter(l -> l.contains("spillway.service"))).as(out).isEmpty();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void theContainerRunsTheFatJarOnAJava17JreAsANonRootUserAndStopsWithSigterm() throws Exception {
        List<String> lines = Files.readAllLines(CONTAINERFILE).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(lines.get(0)).matches("FROM \\S*eclipse-temurin:17-jre\\S*");
        assertThat(lines).contains("COPY spillway-app/target/spillway.jar /opt/spillway/spillway.jar",
                "STOPSIGNAL SIGTERM");
        String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
        assertThat(user.substring(5).strip()).isNotIn("root", "0", "0:0");
        assertThat(lines.stream().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow())
                .contains("exec java");
    }

    private static boolean available(String command) {
        try {
            Process p = new ProcessBuilder(command, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
