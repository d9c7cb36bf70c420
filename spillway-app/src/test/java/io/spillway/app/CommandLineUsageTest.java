package io.spillway.app;

import io.spillway.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad usage is exit 2 with one line naming the command and the problem, never a stack trace. */
class CommandLineUsageTest {

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @ParameterizedTest
    @ValueSource(strings = {"notaurl", "ftp://127.0.0.1:9900", "http://", "http://127.0.0.1:99999",
            "http://127.0.0.1:9900/?token=x", "http://[::1:9900", "127.0.0.1:9900"})
    void statusWithAMalformedAdminUrlIsAOneLineUsageError(String url) {
        assertThat(Main.execute("status", "--admin", url)).isEqualTo(2);
        assertThat(console.err().lines()).hasSize(1);
        assertThat(console.err()).startsWith("spillway status: ").contains("--admin").contains(url)
                .contains("is not an admin URL").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(console.out()).isEmpty();
    }

    @Test
    void statusAgainstAClosedPortIsAFailedCommandNotAUsageError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(Main.execute("status", "--admin", "http://127.0.0.1:" + port + "/")).isEqualTo(1);
        assertThat(console.err().lines()).hasSize(1);
        assertThat(console.err()).startsWith("spillway status: cannot connect to http://127.0.0.1:" + port);
    }

    @Test
    void negativeThreadCountIsAUsageError() {
        assertThat(Main.execute("run", "-c", "absent.yaml", "--threads", "-1")).isEqualTo(2);
        assertThat(console.err().lines()).hasSize(1);
        assertThat(console.err()).startsWith("spillway run: --threads must be between 0 and 1024, got -1");
    }

    @Test
    void negativeDemoDurationIsAUsageError() {
        assertThat(Main.execute("demo", "--duration", "-5")).isEqualTo(2);
        assertThat(console.err()).startsWith("spillway demo: --duration must be 0 or more seconds, got -5")
                .contains("see 'spillway demo --help'");
    }

    @Test
    void unknownOptionAndMissingCommandAreOneLineToo() {
        assertThat(Main.execute("validate", "-c", "absent.yaml", "--colour")).isEqualTo(2);
        assertThat(Main.execute()).isEqualTo(2);
        assertThat(console.err().lines()).hasSize(2)
                .allMatch(l -> l.startsWith("spillway"))
                .anyMatch(l -> l.contains("--colour"))
                .anyMatch(l -> l.contains("a command is required"));
    }
}
