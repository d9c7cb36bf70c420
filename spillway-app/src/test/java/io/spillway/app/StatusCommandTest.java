package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code spillway status} against a live appliance over its admin API. */
class StatusCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private Appliance appliance;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        if (appliance != null) {
            appliance.close();
        }
    }

    @Test
    void printsVServersAndServicesAndNoSitesTableWithoutGslb() throws Exception {
        Path file = Files.writeString(dir.resolve("spillway.yaml"), """
                admin: {listen: 127.0.0.1:0, token: status-token}
                services:
                  - {name: web-1, address: 127.0.0.1:9, protocol: http, capacity: 4}
                vservers:
                  - {name: shop, listen: 127.0.0.1:0, protocol: http, services: [web-1],
                     spillover: {method: dynamicconnection}}
                """);
        LoadResult result = ConfigLoader.load(file);
        assertThat(result.errors()).isEmpty();
        appliance = Appliance.start(result.config(), file, 1);
        String admin = "http://" + Appliance.hostPort(appliance.adminAddress()) + "/";

        assertThat(Main.execute("status", "--admin", admin, "--token", "status-token")).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("VSERVER").contains("shop").contains("SERVICE").contains("web-1")
                .doesNotContain("SITE");
    }
}
