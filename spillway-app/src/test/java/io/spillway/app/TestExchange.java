package io.spillway.app;

/**
 * The GSLB exchange of an end-to-end test whose appliances form a hierarchy on loopback: the
 * aggregator {@code agg} ({@link #startAggregator}) and the head of its branches' {@code gslb:}
 * sections ({@link #branch}), with settings fast enough for a test (a report every
 * 100 ms, a site stale after 3 s) under the test's secret.
 */
final class TestExchange {

    private final String settings;

    TestExchange(String secret) {
        this.settings = """
                    interval: 100ms
                    staleAfter: 3s
                    secret: %s
                """.formatted(secret);
    }

    /**
     * Starts the aggregator {@code agg}, taking the exchange on an ephemeral loopback port, for
     * {@code domains}: the items of its {@code domains:} list, as YAML lines indented by four.
     */
    Appliance startAggregator(ApplianceExtension appliances, String domains) throws Exception {
        return appliances.start("agg.yaml", """
                gslb:
                  site: agg
                  role: aggregator
                  exchange:
                    listen: 127.0.0.1:0
                %s  domains:
                %s""".formatted(settings, domains));
    }

    /**
     * The head of the {@code gslb:} section of branch {@code site} reporting to {@code aggregator}
     * (an appliance {@link #startAggregator} started), down to its exchange settings: the
     * section's other keys ({@code publish:}, {@code resolve:}) follow it, indented by two.
     */
    String branch(String site, Appliance aggregator) {
        return """
                gslb:
                  site: %s
                  role: branch
                  exchange:
                    aggregator: 127.0.0.1:%d
                %s""".formatted(site, aggregator.gslb().node().exchangeAddress().getPort(), settings);
    }
}
