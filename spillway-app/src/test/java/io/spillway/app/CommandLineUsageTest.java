package io.spillway.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad usage is exit 2 with one line naming the command and the problem, never a stack trace. */
class CommandLineUsageTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"notaurl", "ftp://127.0.0.1:9900", "http://", "http://127.0.0.1:99999",
            "http://127.0.0.1:9900/?token=x", "http://[::1:9900", "127.0.0.1:9900"})
    void statusWithAMalformedAdminUrlIsAOneLineUsageError(String url) {
        assertThat(Main.execute("status", "--admin", url)).isEqualTo(2);
        assertThat(errText().lines()).hasSize(1);
        assertThat(errText()).startsWith("spillway status: ").contains("--admin").contains(url)
                .contains("is not an admin URL").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void statusAgainstAClosedPortIsAFailedCommandNotAUsageError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(Main.execute("status", "--admin", "http://127.0.0.1:" + port + "/")).isEqualTo(1);
        assertThat(errText().lines()).hasSize(1);
        assertThat(errText()).startsWith("spillway status: cannot connect to http://127.0.0.1:" + port);
    }

    @Test
    void negativeThreadCountIsAUsageError() {
        assertThat(Main.execute("run", "-c", "absent.yaml", "--threads", "-1")).isEqualTo(2);
        assertThat(errText().lines()).hasSize(1);
        assertThat(errText()).startsWith("spillway run: --threads must be between 0 and 1024, got -1");
    }

    @Test
    void negativeDemoDurationIsAUsageError() {
        assertThat(Main.execute("demo", "--duration", "-5")).isEqualTo(2);
        assertThat(errText()).startsWith("spillway demo: --duration must be 0 or more seconds, got -5")
                .contains("see 'spillway demo --help'");
    }

    @Test
    void unknownOptionAndMissingCommandAreOneLineToo() {
        assertThat(Main.execute("validate", "-c", "absent.yaml", "--colour")).isEqualTo(2);
        assertThat(Main.execute()).isEqualTo(2);
        assertThat(errText().lines()).hasSize(2)
                .allMatch(l -> l.startsWith("spillway"))
                .anyMatch(l -> l.contains("--colour"))
                .anyMatch(l -> l.contains("a command is required"));
    }
}
