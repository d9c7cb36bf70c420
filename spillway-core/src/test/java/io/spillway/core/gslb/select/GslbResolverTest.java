package io.spillway.core.gslb.select;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.GslbMethod;
import io.spillway.core.net.IpAddress;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class GslbResolverTest {

    private static final String APP = "app.example.com";
    private final Sites sites = new Sites();

    private GslbResolver resolver(GslbMethod method, Duration persistence, List<GslbConfig.Proximity> proximity) {
        return new GslbResolver(List.of(new GslbConfig.Domain(APP, method, Duration.ofSeconds(7), persistence, proximity)),
                sites.table, sites.ticker());
    }

    private GslbResolver resolver(GslbMethod method) {
        return resolver(method, null, List.of());
    }

    private String site(GslbResolver r, String client) {
        return r.resolve(APP, ip(client)).map(Resolution::site).orElse(null);
    }

    private static InetAddress ip(String text) {
        return IpAddress.parse(text).orElseThrow().toInetAddress();
    }

    @Test
    void leastLoadPicksTheSiteWithTheMostAvailableCapacity() {
        sites.report("a", APP, 100, 90);
        sites.report("b", APP, 50, 10);
        sites.report("c", APP, 200, 180);
        assertThat(site(resolver(GslbMethod.LEASTLOAD), "192.0.2.1")).isEqualTo("b");
    }

    @Test
    void leastLoadBreaksTiesByFewerConnectionsThenByName() {
        sites.report("b", APP, 100, 50);
        sites.report("a", APP, 60, 10);
        sites.report("c", APP, 50, 0);
        // all have 50 available: c has the fewest connections
        assertThat(site(resolver(GslbMethod.LEASTLOAD), "192.0.2.1")).isEqualTo("c");
        sites.report("c", APP, 60, 10);
        assertThat(site(resolver(GslbMethod.LEASTLOAD), "192.0.2.1")).isEqualTo("a");
    }

    @Test
    void resolutionCarriesTheDomainTtlAndTheBranchAddress() {
        sites.report("a", APP, "198.51.100.7:8080", true, 10, 0, 1);
        Resolution r = resolver(GslbMethod.LEASTLOAD).resolve("APP.Example.com.", null).orElseThrow();
        assertThat(r.domain()).isEqualTo(APP);
        assertThat(r.site()).isEqualTo("a");
        assertThat(r.address().toString()).isEqualTo("198.51.100.7:8080");
        assertThat(r.ttl()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void unknownDomainIsNotServedAndResolvesToNothing() {
        sites.report("a", "other.example.com", 10, 0);
        GslbResolver r = resolver(GslbMethod.LEASTLOAD);
        assertThat(r.serves("other.example.com")).isFalse();
        assertThat(r.serves(APP)).isTrue();
        assertThat(r.resolve("other.example.com", null)).isEmpty();
    }

    @Test
    void noAvailableBranchResolvesToNothing() {
        GslbResolver r = resolver(GslbMethod.LEASTLOAD);
        assertThat(r.resolve(APP, null)).isEmpty();
        sites.report("a", APP, "192.0.2.9:80", false, 10, 0, 1);
        assertThat(r.resolve(APP, null)).isEmpty();
        sites.report("b", APP, 10, 0);
        sites.advance(Duration.ofSeconds(3));
        assertThat(r.resolve(APP, null)).as("stale report").isEmpty();
    }

    @Test
    void fullSiteStillServesWhenItIsTheOnlyCandidateButLosesToAnyRoom() {
        sites.report("a", APP, 10, 10);
        GslbResolver r = resolver(GslbMethod.LEASTLOAD);
        assertThat(site(r, "192.0.2.1")).isEqualTo("a");
        sites.report("b", APP, 10, 9);
        assertThat(site(r, "192.0.2.1")).isEqualTo("b");
    }

    @Test
    void roundRobinTakesEachSiteInTurn() {
        sites.report("a", APP, 10, 0);
        sites.report("b", APP, 10, 0);
        sites.report("c", APP, 10, 0);
        GslbResolver r = resolver(GslbMethod.ROUNDROBIN);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(site(r, "192.0.2.1"));
        }
        assertThat(seen).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void leastConnectionPicksTheFewestActiveConnections() {
        sites.report("a", APP, 1000, 30);
        sites.report("b", APP, 20, 5);
        sites.report("c", APP, 1000, 40);
        assertThat(site(resolver(GslbMethod.LEASTCONNECTION), "192.0.2.1")).isEqualTo("b");
    }

    @Test
    void leastResponseTimePicksTheFastestSite() {
        sites.report("a", APP, "10.0.0.1:80", true, 100, 0, 40.0);
        sites.report("b", APP, "10.0.0.2:80", true, 100, 50, 12.5);
        sites.report("c", APP, "10.0.0.3:80", true, 100, 0, 30.0);
        assertThat(site(resolver(GslbMethod.LEASTRESPONSETIME), "192.0.2.1")).isEqualTo("b");
    }

    @Test
    void sourceIpHashSendsAClientToTheSameSiteEveryTime() {
        for (String s : List.of("a", "b", "c", "d")) {
            sites.report(s, APP, 10, 0);
        }
        GslbResolver r = resolver(GslbMethod.SOURCEIPHASH);
        Map<String, Integer> spread = new HashMap<>();
        for (int i = 1; i <= 200; i++) {
            String client = "10.1." + (i / 256) + "." + (i % 256);
            String first = site(r, client);
            assertThat(site(r, client)).isEqualTo(first);
            spread.merge(first, 1, Integer::sum);
        }
        assertThat(spread).as("every site gets clients").containsKeys("a", "b", "c", "d");
    }

    @Test
    void sourceIpHashMovesOnlyTheClientsOfASiteThatLeaves() {
        for (String s : List.of("a", "b", "c", "d")) {
            sites.report(s, APP, 10, 0);
        }
        GslbResolver r = resolver(GslbMethod.SOURCEIPHASH);
        Map<String, String> before = new HashMap<>();
        for (int i = 1; i <= 300; i++) {
            String client = "10.2." + (i / 256) + "." + (i % 256);
            before.put(client, site(r, client));
        }
        sites.report("c", APP, "10.0.0.3:80", false, 10, 0, 1);
        int moved = 0;
        for (Map.Entry<String, String> e : before.entrySet()) {
            String now = site(r, e.getKey());
            if (e.getValue().equals("c")) {
                assertThat(now).isNotEqualTo("c");
                moved++;
            } else {
                assertThat(now).as("client %s of a remaining site", e.getKey()).isEqualTo(e.getValue());
            }
        }
        assertThat(moved).isPositive();
    }

    @Test
    void staticProximitySendsASubnetToItsFirstAvailableSite() {
        sites.report("east", APP, 10, 9);
        sites.report("west", APP, 10, 9);
        sites.report("big", APP, 1000, 0);
        GslbResolver r = resolver(GslbMethod.STATICPROXIMITY, null, List.of(
                new GslbConfig.Proximity("10.1.0.0/16", List.of("east", "west")),
                new GslbConfig.Proximity("10.2.0.0/16", List.of("west", "east")),
                new GslbConfig.Proximity("2001:db8::/32", List.of("west"))));
        assertThat(site(r, "10.1.2.3")).isEqualTo("east");
        assertThat(site(r, "10.2.2.3")).isEqualTo("west");
        assertThat(site(r, "2001:db8::1")).isEqualTo("west");
        assertThat(site(r, "10.3.0.1")).as("no rule: least load").isEqualTo("big");

        sites.report("east", APP, "10.0.0.1:80", false, 10, 9, 1);
        assertThat(site(r, "10.1.2.3")).as("next site of the list").isEqualTo("west");
        sites.report("west", APP, "10.0.0.2:80", false, 10, 9, 1);
        assertThat(site(r, "10.1.2.3")).as("whole list down: least load").isEqualTo("big");
    }

    @Test
    void persistenceKeepsAClientOnItsSiteWhileItStaysAvailable() {
        sites.report("a", APP, 100, 0);
        sites.report("b", APP, 50, 0);
        GslbResolver r = resolver(GslbMethod.LEASTLOAD, Duration.ofMinutes(10), List.of());
        assertThat(site(r, "192.0.2.1")).isEqualTo("a");
        sites.report("b", APP, 500, 0);
        assertThat(site(r, "192.0.2.1")).as("pinned").isEqualTo("a");
        assertThat(site(r, "192.0.2.2")).as("a new client").isEqualTo("b");
        assertThat(r.persistedClients(APP)).isEqualTo(2);
    }

    @Test
    void persistenceExpiresAfterItsTimeout() {
        sites.report("a", APP, 100, 0);
        GslbResolver r = resolver(GslbMethod.LEASTLOAD, Duration.ofSeconds(30), List.of());
        assertThat(site(r, "192.0.2.1")).isEqualTo("a");
        sites.report("b", APP, 500, 0);
        sites.advance(Duration.ofSeconds(20));
        sites.report("a", APP, 100, 0);
        sites.report("b", APP, 500, 0);
        assertThat(site(r, "192.0.2.1")).as("a hit restarts the timeout").isEqualTo("a");
        sites.advance(Duration.ofSeconds(20));
        sites.report("a", APP, 100, 0);
        sites.report("b", APP, 500, 0);
        assertThat(site(r, "192.0.2.1")).isEqualTo("a");
        sites.advance(Duration.ofSeconds(31));
        sites.report("a", APP, 100, 0);
        sites.report("b", APP, 500, 0);
        assertThat(site(r, "192.0.2.1")).as("expired").isEqualTo("b");
    }

    @Test
    void persistenceIsDroppedWhenThePinnedSiteBecomesUnavailable() {
        sites.report("a", APP, 100, 0);
        sites.report("b", APP, 50, 0);
        GslbResolver r = resolver(GslbMethod.LEASTLOAD, Duration.ofMinutes(10), List.of());
        assertThat(site(r, "192.0.2.1")).isEqualTo("a");
        sites.advance(Duration.ofSeconds(2));
        sites.report("b", APP, 50, 0);
        sites.advance(Duration.ofSeconds(2));
        assertThat(site(r, "192.0.2.1")).as("a is stale").isEqualTo("b");
        sites.report("a", APP, 1000, 0);
        assertThat(site(r, "192.0.2.1")).as("now pinned to b").isEqualTo("b");
    }

    @Test
    void persistenceIsDroppedWhenThePinnedSiteStopsServingTheDomain() {
        sites.report("a", APP, 100, 0);
        sites.report("b", APP, 50, 0);
        GslbResolver r = resolver(GslbMethod.LEASTLOAD, Duration.ofMinutes(10), List.of());
        assertThat(site(r, "192.0.2.1")).isEqualTo("a");
        sites.reportNothing("a");
        assertThat(site(r, "192.0.2.1")).isEqualTo("b");
        sites.report("a", APP, 100, 0);
        sites.report("b", APP, "10.0.0.2:80", false, 50, 0, 1);
        assertThat(site(r, "192.0.2.1")).as("b's vServer is DOWN").isEqualTo("a");
    }

    @Test
    void persistenceOffLetsEveryQueryChooseAfresh() {
        sites.report("a", APP, 100, 0);
        GslbResolver r = resolver(GslbMethod.LEASTLOAD);
        assertThat(site(r, "192.0.2.1")).isEqualTo("a");
        sites.report("b", APP, 500, 0);
        assertThat(site(r, "192.0.2.1")).isEqualTo("b");
        assertThat(r.persistedClients(APP)).isZero();
    }

    @Test
    void answerDependsOnClientOnlyForClientAwareMethodsOrPersistence() {
        assertThat(GslbResolver.answerDependsOnClient(domain(GslbMethod.LEASTLOAD, null))).isFalse();
        assertThat(GslbResolver.answerDependsOnClient(domain(GslbMethod.ROUNDROBIN, Duration.ZERO))).isFalse();
        assertThat(GslbResolver.answerDependsOnClient(domain(GslbMethod.SOURCEIPHASH, null))).isTrue();
        assertThat(GslbResolver.answerDependsOnClient(domain(GslbMethod.STATICPROXIMITY, null))).isTrue();
        assertThat(GslbResolver.answerDependsOnClient(domain(GslbMethod.LEASTLOAD, Duration.ofMinutes(1)))).isTrue();
    }

    private static GslbConfig.Domain domain(GslbMethod m, Duration persistence) {
        return new GslbConfig.Domain(APP, m, Duration.ofSeconds(5), persistence, List.of());
    }

    @Test
    void nullClientStillResolves() {
        sites.report("a", APP, 100, 0);
        for (GslbMethod m : GslbMethod.values()) {
            Optional<Resolution> r = resolver(m, Duration.ofMinutes(1), List.of()).resolve(APP, null);
            assertThat(r).as(m.name()).map(Resolution::site).contains("a");
        }
    }
}
