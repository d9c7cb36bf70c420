package io.spillway.core.gslb;

import java.util.List;
import java.util.Optional;

/**
 * One report of a branch appliance (SPEC G1): everything it publishes, stamped by its origin.
 *
 * <p>{@code (epoch, sequence)} orders the reports of one site: the epoch is the branch
 * process's start time and the sequence counts up within it, so a restarted branch's reports
 * supersede those of its previous life and a report is never applied out of order (G3).
 *
 * @param site        the branch's unique name
 * @param aggregator  the site name of the aggregator the branch reports to
 * @param epoch       the branch's start time, milliseconds since the Unix epoch
 * @param sequence    report number within the epoch
 * @param generatedAtMillis when the branch made the report (its clock)
 * @param resources   the branch process's resource use (never null: {@link ResourceUse#UNKNOWN}
 *                    when the report carries none)
 */
public record SiteReport(
        String site,
        String aggregator,
        long epoch,
        long sequence,
        long generatedAtMillis,
        List<DomainReport> domains,
        ResourceUse resources) {

    public SiteReport {
        domains = domains == null ? List.of() : List.copyOf(domains);
        resources = resources == null ? ResourceUse.UNKNOWN : resources;
    }

    /** A report without resource figures ({@link ResourceUse#UNKNOWN}). */
    public SiteReport(String site, String aggregator, long epoch, long sequence, long generatedAtMillis,
                      List<DomainReport> domains) {
        this(site, aggregator, epoch, sequence, generatedAtMillis, domains, ResourceUse.UNKNOWN);
    }

    /** Whether this report comes after {@code other} from the same site. */
    public boolean isNewerThan(SiteReport other) {
        return epoch != other.epoch ? epoch > other.epoch : sequence > other.sequence;
    }

    public Optional<DomainReport> domain(String name) {
        for (DomainReport d : domains) {
            if (d.domain().equalsIgnoreCase(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
