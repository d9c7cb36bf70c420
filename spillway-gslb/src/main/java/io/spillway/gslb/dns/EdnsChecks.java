package io.spillway.gslb.dns;

import org.xbill.DNS.Address;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

import java.net.InetAddress;

/**
 * The rules a query's EDNS records must follow before it is answered; a query that breaks one
 * gets FORMERR (SPEC P5, issue 11).
 *
 * <p>RFC 6891 section 6.1.1: the OPT pseudo-record belongs in the additional section only, its
 * owner name must be the root, and a message carries at most one ("If a query message with more
 * than one OPT RR is received, a FORMERR (RCODE=1) MUST be returned"). A server that picked one
 * of several OPT records, or read an OPT out of the answer section, would answer a query its
 * sender did not mean, and would echo options nobody asked for.
 *
 * <p>RFC 7871 (EDNS Client Subnet), section 6: in a query SCOPE PREFIX-LENGTH "MUST be set to
 * 0", SOURCE PREFIX-LENGTH cannot exceed the width of the FAMILY's addresses, and ADDRESS must
 * have no bits set beyond SOURCE PREFIX-LENGTH; a query whose option is malformed is answered
 * FORMERR rather than guessed at (a non-zero scope in a query is a resolver copying an answer's
 * option back, or a probe). dnsjava already refuses to parse an option with too long a source
 * prefix or with padding bits set (the general path then answers FORMERR); they are checked
 * again here so that the rule does not rest on a library
 * detail. Every check is about the query alone, so it runs before any zone lookup.
 */
final class EdnsChecks {

    private EdnsChecks() {
    }

    /** Whether the query's OPT records break RFC 6891: misplaced, several, or not owned by the root. */
    static boolean badOpt(Message query) {
        if (hasOpt(query, Section.ANSWER) || hasOpt(query, Section.AUTHORITY)) {
            return true;
        }
        int opts = 0;
        for (Record r : query.getSection(Section.ADDITIONAL)) {
            if (r instanceof OPTRecord) {
                opts++;
                if (opts > 1 || !Name.root.equals(r.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether a Client Subnet option in a query breaks RFC 7871 section 6. */
    static boolean badSubnet(ClientSubnetOption ecs) {
        if (ecs.getScopePrefixLength() != 0) {
            return true;
        }
        InetAddress address = ecs.getAddress();
        int width = address.getAddress().length * 8;
        int source = ecs.getSourcePrefixLength();
        return source > width || !Address.truncate(address, source).equals(address);
    }

    private static boolean hasOpt(Message query, int section) {
        for (Record r : query.getSection(section)) {
            if (r instanceof OPTRecord) {
                return true;
            }
        }
        return false;
    }
}
