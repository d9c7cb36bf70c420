package io.spillway.gslb.internal.exchange;

import io.spillway.core.gslb.SiteTable;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.gslb.GslbNode;
import io.spillway.gslb.hierarchy.Hierarchy;
import io.spillway.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exchange links over mutual TLS: certificates made by the system's openssl for a test CA; a
 * peer whose certificate another CA signed, and a peer speaking plain TCP, are refused.
 */
class MutualTlsTest {

    @TempDir
    static Path dir;

    static Transport transport;
    static final List<GslbNode> nodes = new ArrayList<>();

    @BeforeAll
    static void certificates() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=spillway-test-ca");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", "rogue-ca.key", "-out", "rogue-ca.pem", "-days", "2", "-subj", "/CN=rogue-ca");
        node("node", "ca");
        node("rogue", "rogue-ca");
        transport = Transport.create(2);
    }

    static void node(String name, String ca) throws Exception {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2");
    }

    static void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl " + String.join(" ", args)).isZero();
    }

    @AfterAll
    static void stop() {
        nodes.forEach(GslbNode::close);
        transport.close();
    }

    static GslbConfig.ExchangeTls tls(String name, String ca) {
        return new GslbConfig.ExchangeTls(dir.resolve(name + ".pem").toString(), dir.resolve(name + ".key").toString(),
                dir.resolve(ca + ".pem").toString());
    }

    static GslbNode start(GslbConfig c, SiteTable table) throws Exception {
        RuntimeGraph graph = c.role() == GslbRole.BRANCH ? RuntimeGraph.build(Hierarchy.appliance(c.site())) : null;
        GslbNode n = new GslbNode(transport, c, () -> graph, table, null);
        n.start();
        nodes.add(n);
        return n;
    }

    static GslbConfig aggregator(GslbConfig.ExchangeTls tls) {
        return new GslbConfig("tls-agg", GslbRole.AGGREGATOR, new GslbConfig.Exchange(new HostPort("127.0.0.1", 0),
                null, List.of(), null, Duration.ofMillis(50), Duration.ofSeconds(5), null, tls, null, null),
                List.of(), List.of(), null, null);
    }

    static GslbConfig branch(String site, HostPort aggregator, GslbConfig.ExchangeTls tls) {
        return new GslbConfig(site, GslbRole.BRANCH, new GslbConfig.Exchange(null, aggregator, List.of(), null,
                Duration.ofMillis(50), Duration.ofSeconds(5), null, tls, null, null),
                List.of(new GslbConfig.Publish(Hierarchy.DOMAIN, "shop", new HostPort("127.0.0.1", 8443))),
                List.of(), null, null);
    }

    @Test
    void branchWithACertificateOfTheSharedCaReportsAndOthersAreRefused() throws Exception {
        SiteTable table = new SiteTable(Duration.ofSeconds(5));
        GslbNode agg = start(aggregator(tls("node", "ca")), table);
        HostPort address = new HostPort("127.0.0.1", agg.exchangeAddress().getPort());

        start(branch("rogue-branch", address, tls("rogue", "ca")), new SiteTable(Duration.ofSeconds(5)));
        try (RawPeer plain = new RawPeer(address.port())) {
            plain.send(new ExchangeMessage.Hello("plain", "branch", 1, HmacAuth.newNonce(), null));
            assertThat(plain.readUntilClosed()).isNull();
        }
        start(branch("tls-branch", address, tls("node", "ca")), new SiteTable(Duration.ofSeconds(5)));

        await().atMost(Duration.ofSeconds(15)).until(() -> table.site("tls-branch").isPresent());
        assertThat(table.site("rogue-branch")).isEmpty();
        assertThat(table.site("plain")).isEmpty();
        assertThat(agg.aggregator().connectedBranches()).containsExactly("tls-branch");
    }
}
