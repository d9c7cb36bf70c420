package io.spillway.core.gslb;

/**
 * A site as this appliance knows it: the latest report and when it arrived here.
 *
 * @param receivedAtMillis when the report was received by this appliance (its clock); for a
 *                         report recovered from the master's snapshot, the time the master
 *                         received it, so that its age keeps counting
 * @param recovered        true while the report comes from the master's snapshot (G4) rather
 *                         than from the live hierarchy
 */
public record SiteEntry(SiteReport report, long receivedAtMillis, boolean recovered) {

    public String site() {
        return report.site();
    }

    public long ageMillis(long nowMillis) {
        return Math.max(0, nowMillis - receivedAtMillis);
    }
}
