package io.spillway.gslb.aggregator;

import io.spillway.core.gslb.SiteEntry;
import io.spillway.core.gslb.SiteTable;
import io.spillway.gslb.internal.exchange.ExchangeMessage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * An aggregator's answer to a branch's {@code sites} request (SPEC D1, D2): a branch knows no
 * other site directly, so the reports of its vServers' peers reach it from its aggregator's
 * table. Each entry carries its age, so the branch stamps it with the time the hierarchy received
 * it and a peer that stopped reporting goes stale at the branch as it does here. The answer is
 * cut into frames of at most {@link PeerLink#DOMAINS_PER_FRAME} domain reports, like snapshots;
 * sites the table does not hold are left out; a site named twice is answered once.
 */
final class SitesAnswers {

    private SitesAnswers() {
    }

    static List<ExchangeMessage.SitesAnswer> answer(ExchangeMessage.SitesRequest request, SiteTable table) {
        long now = table.nowMillis();
        List<ExchangeMessage.SitesAnswer> out = new ArrayList<>();
        List<ExchangeMessage.WireEntry> current = new ArrayList<>();
        int domains = 0;
        for (String site : new LinkedHashSet<>(request.sites())) {
            SiteEntry e = table.site(site).orElse(null);
            if (e == null) {
                continue;
            }
            int d = Math.max(1, e.report().domains().size());
            if (!current.isEmpty() && domains + d > PeerLink.DOMAINS_PER_FRAME) {
                out.add(new ExchangeMessage.SitesAnswer(request.id(), current));
                current = new ArrayList<>();
                domains = 0;
            }
            current.add(new ExchangeMessage.WireEntry(e.report(), e.ageMillis(now), e.recovered()));
            domains += d;
        }
        if (!current.isEmpty() || out.isEmpty()) {
            out.add(new ExchangeMessage.SitesAnswer(request.id(), current));
        }
        return out;
    }
}
