package io.spillway.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code spillway status} against a live appliance over its admin API. */
class StatusCommandTest {

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private PrintStream savedOut;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
    }

    @Test
    void printsVServersAndServicesAndNoSitesTableWithoutGslb() throws Exception {
        Appliance appliance = spillway.start("""
                admin: {listen: 127.0.0.1:0, token: status-token}
                services:
                  - {name: web-1, address: 127.0.0.1:9, protocol: http, capacity: 4}
                vservers:
                  - {name: shop, listen: 127.0.0.1:0, protocol: http, services: [web-1],
                     spillover: {method: dynamicconnection}}
                """);
        String admin = "http://" + Appliance.hostPort(appliance.adminAddress()) + "/";

        assertThat(Main.execute("status", "--admin", admin, "--token", "status-token")).isZero();
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("VSERVER").contains("shop").contains("SERVICE").contains("web-1")
                .doesNotContain("SITE");
    }
}
