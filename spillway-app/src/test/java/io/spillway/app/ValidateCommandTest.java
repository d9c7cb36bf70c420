package io.spillway.app;

import io.spillway.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ValidateCommandTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

    @Test
    void validFilePrintsOkAndExitsZero() throws Exception {
        Path file = write("good.yaml", """
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: http, capacity: 10}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    protocol: http
                    services: [web-1]
                """);
        assertThat(Main.execute("validate", "-c", file.toString())).isZero();
        assertThat(console.out()).isEqualTo("ok" + System.lineSeparator());
    }

    @Test
    void everyErrorIsPrintedWithFileLineColumnAndPath() throws Exception {
        Path file = write("bad.yaml", """
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: http, capacity: 10}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    protocol: http
                    services: [web-1]
                    spillover:
                      backup: nowhere
                      whenFull: redirect
                """);
        assertThat(Main.execute("validate", "-c", file.toString())).isEqualTo(1);
        String printed = console.out();
        assertThat(printed.lines()).hasSize(2)
                .allMatch(l -> l.matches(".*bad\\.yaml:\\d+:\\d+: [\\w.\\[\\]]+: .+"));
        assertThat(printed).contains("bad.yaml:9:").contains("vservers[0].spillover.backup")
                .contains("redirectUrl");
    }

    @Test
    void unknownKeyAndDanglingBackupComeOutOfOneRun() throws Exception {
        Path file = write("two.yaml", """
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: http, capacity: 10}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    protocol: http
                    services: [web-1]
                    colour: blue
                    spillover: {backup: nowhere, whenFull: redirect}
                """);
        assertThat(Main.execute("validate", "-c", file.toString())).isEqualTo(1);
        assertThat(console.out().lines()).containsExactly(
                file + ":8:5: vservers[0].colour: unknown key; valid keys here: name, listen, protocol, tls,"
                        + " lbMethod, services, spillover, peers, timeouts, limits, http2, gslb",
                file + ":9:16: vservers[0].spillover.redirectUrl: required for whenFull redirect: the URL clients"
                        + " are sent to",
                file + ":9:25: vservers[0].spillover.backup: no vserver named 'nowhere' (vservers: shop)");
    }

    @Test
    void unknownKeyNamesTheValidOnes() throws Exception {
        Path file = write("typo.yaml", """
                services:
                  - {name: web-1, address: 127.0.0.1:8081, protocol: http, capacity: 10}
                vservers:
                  - name: shop
                    listen: 127.0.0.1:8080
                    services: [web-1]
                    colour: blue
                """);
        assertThat(Main.execute("validate", "-c", file.toString())).isEqualTo(1);
        assertThat(console.out())
                .startsWith(file + ":7:5: vservers[0].colour: unknown key");
    }

    @Test
    void runRefusesAnInvalidFileTheSameWay() throws Exception {
        Path file = write("bad.yaml", "vservers:\n  - name: shop\n    listen: nowhere\n");
        assertThat(Main.execute("run", "-c", file.toString())).isEqualTo(1);
        assertThat(console.err()).contains("bad.yaml:3:").contains("vservers[0].listen");
    }

    @Test
    void badUsageExitsTwo() {
        assertThat(Main.execute("validate")).isEqualTo(2);
        assertThat(Main.execute("no-such-command")).isEqualTo(2);
    }

    @Test
    void missingFileIsAnError() {
        assertThat(Main.execute("validate", "-c", dir.resolve("absent.yaml").toString())).isEqualTo(1);
        assertThat(console.out()).contains("absent.yaml");
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }
}
