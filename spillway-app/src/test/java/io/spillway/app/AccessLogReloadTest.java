package io.spillway.app;

import io.spillway.core.log.AccessAction;
import io.spillway.core.log.AccessRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The appliance's access log follows {@code logging.access}: on at start, moved to a new file by
 * a reload that changes the path, off when the section goes; its counters are in {@code /metrics}.
 */
class AccessLogReloadTest {

    @RegisterExtension
    final ApplianceExtension spillway = new ApplianceExtension();


    private static String yaml(String logging) {
        return """
                services:
                  - {name: web-1, address: 127.0.0.1:9, protocol: http, capacity: 4}
                vservers:
                  - {name: shop, listen: 127.0.0.1:0, protocol: http, services: [web-1], spillover: {method: dynamicconnection}}
                """ + logging;
    }

    private static AccessRecord record(String path) {
        return new AccessRecord(System.currentTimeMillis(), new InetSocketAddress("127.0.0.1", 40000), "shop",
                "web-1", "http", "GET", path, 200, 100, 200, 1, false, false, AccessAction.SERVED);
    }

    @Test
    void aReloadMovesTheAccessLogToItsNewPathAndRemovingTheSectionTurnsItOff() throws Exception {
        Path first = spillway.dir().resolve("first.log");
        Path second = spillway.dir().resolve("second.log");
        Appliance appliance = spillway.start(yaml("logging: {access: {path: " + first + "}}\n"));

        assertThat(appliance.accessLog().enabled()).isTrue();
        appliance.accessLog().log(record("/one"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(first) && Files.readString(first).contains("/one"));

        spillway.write(yaml("logging: {access: {path: " + second + ", maxSize: 1MB, keep: 2}}\n"));
        assertThat(appliance.reload().changes()).containsExactly("logging: changed");
        appliance.accessLog().log(record("/two"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(second) && Files.readString(second).contains("/two"));
        assertThat(Files.readString(first)).doesNotContain("/two");

        assertThat(appliance.registry().scrape()).contains("spillway_access_log_written_total 2.0")
                .contains("spillway_access_log_dropped_total 0.0");

        spillway.write(yaml(""));
        assertThat(appliance.reload().changes()).containsExactly("logging: changed");
        assertThat(appliance.accessLog().enabled()).isFalse();
    }
}
