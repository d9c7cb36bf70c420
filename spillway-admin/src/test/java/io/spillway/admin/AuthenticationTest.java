package io.spillway.admin;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.spillway.core.model.AdminConfig;
import io.spillway.core.model.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token rules over real sockets (CONTRACT.md, "Management API"). */
class AuthenticationTest {

    @RegisterExtension
    static final AdminExtension admins = new AdminExtension();


    @Test
    void onLoopbackReadsAreOpenAndWritesNeedTheToken() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", "s3cret", TestGraphs.shop())) {
            assertThat(admin.get("/api/v1/vservers").statusCode()).isEqualTo(200);
            assertThat(admin.get("/metrics").statusCode()).isEqualTo(200);

            HttpResponse<String> anonymous = admin.send("POST", "/api/v1/services/web-1/disable", null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"spillway\"");
            assertThat(AdminFixture.json(anonymous).get("error").asText()).contains("missing bearer token");
            assertThat(admin.send("POST", "/api/v1/services/web-1/disable", "wrong").statusCode()).isEqualTo(401);
            assertThat(admin.graph.get().service("web-1").isUp()).isTrue();

            assertThat(admin.send("POST", "/api/v1/services/web-1/disable", "s3cret").statusCode()).isEqualTo(200);
            assertThat(admin.graph.get().service("web-1").isUp()).isFalse();
        }
    }

    @Test
    void offLoopbackReadsNeedTheTokenButHealthzDoesNot() throws Exception {
        // 0.0.0.0 is not a loopback address; the test still connects through 127.0.0.1.
        try (AdminFixture admin = admins.start("0.0.0.0", "s3cret", TestGraphs.shop())) {
            for (String path : new String[] {"/api/v1/vservers", "/api/v1/vservers/shop", "/api/v1/services",
                    "/api/v1/services/web-1", "/api/v1/events", "/metrics"}) {
                assertThat(admin.send("GET", path, null).statusCode()).as(path).isEqualTo(401);
                assertThat(admin.send("GET", path, "wrong").statusCode()).as(path).isEqualTo(401);
                assertThat(admin.send("GET", path, "s3cret").statusCode()).as(path).isEqualTo(200);
            }
            assertThat(admin.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(admin.get("/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutATokenLoopbackAcceptsWrites() throws Exception {
        try (AdminFixture admin = admins.start("127.0.0.1", null, TestGraphs.shop())) {
            assertThat(admin.send("POST", "/api/v1/services/web-2/disable", null).statusCode()).isEqualTo(200);
            assertThat(admin.graph.get().service("web-2").state().name()).isEqualTo("DISABLED");
        }
    }

    @Test
    void withoutATokenOffLoopbackEverythingButHealthzIsForbidden() throws Exception {
        try (AdminFixture admin = admins.start("0.0.0.0", null, TestGraphs.shop())) {
            HttpResponse<String> write = admin.send("POST", "/api/v1/services/web-2/disable", null);
            assertThat(write.statusCode()).isEqualTo(403);
            assertThat(AdminFixture.json(write).get("error").asText()).contains("no admin.token is configured");
            assertThat(admin.get("/api/v1/services").statusCode()).isEqualTo(403);
            assertThat(admin.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(admin.graph.get().service("web-2").isUp()).isTrue();
        }
    }

    @Test
    void aListenAddressInUseFailsStartWithTheAddress() throws Exception {
        try (AdminFixture first = admins.start("127.0.0.1", "s3cret", TestGraphs.shop())) {
            HostPort taken = new HostPort("127.0.0.1", first.port());
            AdminServer second = new AdminServer(admins.transport(), new AdminConfig(taken, "s3cret"), TestGraphs::shop,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            try {
                assertThatThrownBy(second::start).isInstanceOf(IOException.class)
                        .hasMessageContaining("admin.listen " + taken);
            } finally {
                second.close();
            }
            assertThat(first.get("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
