package io.spillway.app;

import io.spillway.testing.ConsoleCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import static org.assertj.core.api.Assertions.assertThat;

/** {@code spillway status} against a live appliance over its admin API. */
class StatusCommandTest {

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();

    @RegisterExtension
    final ConsoleCapture console = new ConsoleCapture();

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
        String printed = console.out();
        assertThat(printed).contains("VSERVER").contains("shop").contains("SERVICE").contains("web-1")
                .doesNotContain("SITE");
    }
}
