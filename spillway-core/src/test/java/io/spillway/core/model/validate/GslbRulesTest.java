package io.spillway.core.model.validate;

import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static io.spillway.core.model.validate.Fixtures.config;
import static io.spillway.core.model.validate.Fixtures.exchange;
import static io.spillway.core.model.validate.Fixtures.service;
import static io.spillway.core.model.validate.Fixtures.vserver;
import static io.spillway.core.model.validate.Fixtures.withGslb;
import static org.assertj.core.api.Assertions.assertThat;

class GslbRulesTest {

    private static final SpillwayConfig SHOP = config(List.of(), List.of(service("web", ServiceProtocol.HTTP, 10)),
            List.of(vserver("shop", "127.0.0.1:8080", "web")));
    private static final List<GslbConfig.Publish> PUBLISH =
            List.of(new GslbConfig.Publish("app.example.com", "shop", HostPort.parse("127.0.0.1:8080")));

    @Test
    void aBranchWithItsAggregatorAndPublishedVserverIsValid() {
        assertThat(validate(new GslbConfig("branch-a", GslbRole.BRANCH, exchange(null, "127.0.0.1:3012"), PUBLISH,
                null, null, null))).isEmpty();
    }

    @Test
    void aBranchMayServeHttpResolutionForwardedToItsAggregator() {
        assertThat(validate(new GslbConfig("branch-a", GslbRole.BRANCH, exchange(null, "127.0.0.1:3012"), PUBLISH,
                null, null, HostPort.parse("127.0.0.1:8053")))).isEmpty();
    }

    @Test
    void aBranchNeedsAnAggregatorAndSomethingToPublish() {
        assertThat(validate(new GslbConfig("branch-a", GslbRole.BRANCH, exchange(null, null), List.of(), null, null,
                null))).containsExactly(
                new ConfigProblem("gslb.exchange.aggregator",
                        "required for a branch: the one aggregator it reports to (G1)"),
                new ConfigProblem("gslb.publish",
                        "a branch must publish at least one domain served by one of its vservers"));
    }

    @Test
    void publishedVserversMustExist() {
        List<GslbConfig.Publish> publish =
                List.of(new GslbConfig.Publish("app.example.com", "ghost", HostPort.parse("127.0.0.1:8080")));
        assertThat(validate(new GslbConfig("b", GslbRole.BRANCH, exchange(null, "127.0.0.1:3012"), publish, null,
                null, null))).containsExactly(
                new ConfigProblem("gslb.publish[0].vserver", "no vserver named 'ghost' (vservers: shop)"));
    }

    @Test
    void aBranchKnowsOnlyItsAggregator() {
        GslbConfig.Exchange x = new GslbConfig.Exchange(null, HostPort.parse("127.0.0.1:3012"),
                List.of(HostPort.parse("127.0.0.1:3013")), List.of(HostPort.parse("127.0.0.1:3014")), Duration.ofSeconds(1),
                Duration.ofSeconds(3), "s", null, null, null);
        assertThat(validate(new GslbConfig("b", GslbRole.BRANCH, x, PUBLISH, null, null, null))).containsExactly(
                new ConfigProblem("gslb.exchange.peers",
                        "a branch knows only its aggregator (G1); peers are for aggregators"),
                new ConfigProblem("gslb.exchange.master",
                        "a branch knows only its aggregator (G1); master is for aggregators"));
    }

    @Test
    void aggregatorsAndTheMasterListen() {
        assertThat(validate(new GslbConfig("agg", GslbRole.AGGREGATOR, exchange(null, null), null, null, null, null)))
                .containsExactly(new ConfigProblem("gslb.exchange.listen",
                        "required for an aggregator: where branches and peer aggregators connect"));
        assertThat(validate(new GslbConfig("m", GslbRole.MASTER, exchange(null, null), null, null, null, null)))
                .containsExactly(
                        new ConfigProblem("gslb.exchange.listen",
                                "required for the master: where branches and peer aggregators connect"),
                        new ConfigProblem("gslb.exchange.snapshotFile",
                                "required for the master: where it keeps the latest state durably (G4), unless it"
                                        + " keeps it in etcd (gslb.exchange.etcd)"));
    }

    @Test
    void aMasterKeepsItsStateInAFileOrInEtcdNotBoth() {
        List<URI> etcd = List.of(URI.create("http://127.0.0.1:2379"));
        GslbConfig.Exchange onEtcd = new GslbConfig.Exchange(HostPort.parse("127.0.0.1:3014"), null, null, null,
                Duration.ofSeconds(1), Duration.ofSeconds(3), "s", null, null, etcd);
        assertThat(validate(new GslbConfig("m", GslbRole.MASTER, onEtcd, null, null, null, null))).isEmpty();
        GslbConfig.Exchange both = new GslbConfig.Exchange(HostPort.parse("127.0.0.1:3014"), null, null, null,
                Duration.ofSeconds(1), Duration.ofSeconds(3), "s", null, "m.json", etcd);
        assertThat(validate(new GslbConfig("m", GslbRole.MASTER, both, null, null, null, null))).containsExactly(
                new ConfigProblem("gslb.exchange.etcd", "snapshotFile and etcd are exclusive: the master keeps its"
                        + " state either in a file (snapshotFile) or in etcd (etcd), not both"));
    }

    @Test
    void onlyTheMasterKeepsStateInEtcdAndOnlyAggregatorsFollowMasters() {
        List<URI> etcd = List.of(URI.create("http://127.0.0.1:2379"));
        HostPort m = HostPort.parse("127.0.0.1:3014");
        GslbConfig.Exchange agg = new GslbConfig.Exchange(HostPort.parse("127.0.0.1:3013"), null, null,
                List.of(m, HostPort.parse("127.0.0.1:3015"), m), Duration.ofSeconds(1), Duration.ofSeconds(3), "s",
                null, null, etcd);
        assertThat(validate(new GslbConfig("agg", GslbRole.AGGREGATOR, agg, null, null, null, null))).containsExactly(
                new ConfigProblem("gslb.exchange.etcd", "only the master keeps its state in etcd (G4); an aggregator"
                        + " follows the active master through master: [a, b]"),
                new ConfigProblem("gslb.exchange.master[2]", "127.0.0.1:3014 is listed twice"));
        GslbConfig.Exchange branch = new GslbConfig.Exchange(null, HostPort.parse("127.0.0.1:3012"), null, null,
                Duration.ofSeconds(1), Duration.ofSeconds(3), "s", null, null, etcd);
        assertThat(validate(new GslbConfig("b", GslbRole.BRANCH, branch, PUBLISH, null, null, null))).containsExactly(
                new ConfigProblem("gslb.exchange.etcd", "only the master keeps its state in etcd (G4)"));
    }

    @Test
    void theExchangeAuthenticates() {
        GslbConfig.Exchange open = new GslbConfig.Exchange(HostPort.parse("127.0.0.1:3011"), null, null, null,
                Duration.ofSeconds(1), Duration.ofSeconds(3), null, null, null, null);
        assertThat(validate(new GslbConfig("agg", GslbRole.AGGREGATOR, open, null, null, null, null))).containsExactly(
                new ConfigProblem("gslb.exchange.secret", "every exchange connection authenticates: set secret"
                        + " (shared by the hierarchy) or tls (mutual TLS)"));
        GslbConfig.Exchange tls = new GslbConfig.Exchange(HostPort.parse("127.0.0.1:3011"), null, null, null,
                Duration.ofSeconds(1), Duration.ofSeconds(3), null, new GslbConfig.ExchangeTls("c", "k", "ca"), null,
                null);
        assertThat(validate(new GslbConfig("agg", GslbRole.AGGREGATOR, tls, null, null, null, null))).isEmpty();
    }

    @Test
    void staleAfterMustOutlastTheInterval() {
        GslbConfig.Exchange x = new GslbConfig.Exchange(HostPort.parse("127.0.0.1:3011"), null, null, null,
                Duration.ofSeconds(2), Duration.ofSeconds(2), "s", null, null, null);
        assertThat(validate(new GslbConfig("agg", GslbRole.AGGREGATOR, x, null, null, null, null))).containsExactly(
                new ConfigProblem("gslb.exchange.staleAfter",
                        "must be longer than interval (2000ms), or every site would turn stale between two reports"));
    }

    @Test
    void staticProximityNeedsValidSubnets() {
        GslbConfig.Domain none = new GslbConfig.Domain("a.example.com", GslbMethod.STATICPROXIMITY,
                Duration.ofSeconds(5), Duration.ZERO, List.of());
        GslbConfig.Domain bad = new GslbConfig.Domain("b.example.com", GslbMethod.STATICPROXIMITY,
                Duration.ofSeconds(5), Duration.ZERO, List.of(
                new GslbConfig.Proximity("10.0.0.0/8", List.of("branch-a")),
                new GslbConfig.Proximity("10.0.0.0/33", List.of("branch-b")),
                new GslbConfig.Proximity("2001:db8::/32", List.of())));
        GslbConfig.Domain misplaced = new GslbConfig.Domain("c.example.com", GslbMethod.ROUNDROBIN,
                Duration.ofSeconds(5), Duration.ZERO, List.of(new GslbConfig.Proximity("10.0.0.0/8", List.of("x"))));
        assertThat(validate(new GslbConfig("agg", GslbRole.AGGREGATOR, exchange("127.0.0.1:3011", null), null,
                List.of(none, bad, misplaced), null, null))).containsExactly(
                new ConfigProblem("gslb.domains[0].proximity",
                        "method staticproximity needs rules: [{subnet: 10.0.0.0/8, sites: [..]}]"),
                new ConfigProblem("gslb.domains[1].proximity[1].subnet",
                        "'10.0.0.0/33' is not a subnet such as 10.1.0.0/16 or 2001:db8::/32"),
                new ConfigProblem("gslb.domains[1].proximity[2].sites", "list at least one site"),
                new ConfigProblem("gslb.domains[2].proximity",
                        "applies only to method staticproximity (the method is roundrobin)"));
    }

    @Test
    void domainsAreUniqueAndWellFormed() {
        GslbConfig.Domain a = new GslbConfig.Domain("App.Example.com.", GslbMethod.LEASTLOAD, Duration.ofSeconds(5),
                Duration.ZERO, null);
        GslbConfig.Domain b = new GslbConfig.Domain("app.example.com", GslbMethod.LEASTLOAD, Duration.ofSeconds(5),
                Duration.ZERO, null);
        GslbConfig.Domain c = new GslbConfig.Domain("-bad-.example", GslbMethod.LEASTLOAD, Duration.ofSeconds(5),
                Duration.ZERO, null);
        assertThat(validate(new GslbConfig("agg", GslbRole.AGGREGATOR, exchange("127.0.0.1:3011", null), null,
                List.of(a, b, c), null, null))).containsExactly(
                new ConfigProblem("gslb.domains[1].name", "duplicate domain 'app.example.com' (also gslb.domains[0])"),
                new ConfigProblem("gslb.domains[2].name", "'-bad-.example' is not a valid domain name"));
    }

    @Test
    void peersAreAllowedWithAGslbSectionButNotTheOwnSite() {
        VServerConfig v = new VServerConfig("shop", HostPort.parse("127.0.0.1:8080"), VServerProtocol.HTTP, null,
                null, List.of("web"), null, List.of("branch-b", "branch-a"), null, null);
        SpillwayConfig c = withGslb(config(List.of(), SHOP.services(), List.of(v)), new GslbConfig("branch-a",
                GslbRole.BRANCH, exchange(null, "127.0.0.1:3012"), PUBLISH, null, null, null));
        assertThat(ConfigValidator.validate(c)).containsExactly(
                new ConfigProblem("vservers[0].peers", "lists this appliance's own site 'branch-a'"));
    }

    private static List<ConfigProblem> validate(GslbConfig g) {
        return ConfigValidator.validate(withGslb(SHOP, g));
    }
}
