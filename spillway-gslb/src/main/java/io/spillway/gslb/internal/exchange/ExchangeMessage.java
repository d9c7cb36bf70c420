package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.HostPort;

import java.util.List;
import java.util.Objects;

/**
 * Every message of the GSLB exchange protocol (SPEC G1-G4), one JSON object per frame with its
 * {@code type} name; the frame envelope adds the protocol version {@code v}. The wire format of
 * each message is documented in {@code docs/gslb-protocol.md}. Compact constructors reject
 * messages that are well-formed JSON but make no sense, so a bad frame fails in decoding.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(ExchangeMessage.Hello.class),
        @JsonSubTypes.Type(ExchangeMessage.Auth.class),
        @JsonSubTypes.Type(ExchangeMessage.Report.class),
        @JsonSubTypes.Type(ExchangeMessage.Snapshot.class),
        @JsonSubTypes.Type(ExchangeMessage.Delta.class),
        @JsonSubTypes.Type(ExchangeMessage.Peers.class),
        @JsonSubTypes.Type(ExchangeMessage.Poll.class),
        @JsonSubTypes.Type(ExchangeMessage.ResolveRequest.class),
        @JsonSubTypes.Type(ExchangeMessage.ResolveAnswer.class),
        @JsonSubTypes.Type(ExchangeMessage.SitesRequest.class),
        @JsonSubTypes.Type(ExchangeMessage.SitesAnswer.class),
        @JsonSubTypes.Type(ExchangeMessage.Heartbeat.class),
        @JsonSubTypes.Type(ExchangeMessage.Error.class)
})
public sealed interface ExchangeMessage {

    /** Protocol version spoken by this build. */
    int VERSION = 1;

    /**
     * First frame of each side.
     *
     * @param role   branch, aggregator or master ({@code GslbRole.configName()})
     * @param listen aggregator, master: its exchange listener as peers should dial it; else null
     * @param nonce  32 random bytes, base64: the challenge the other side must sign
     */
    @JsonTypeName("hello")
    record Hello(String site, String role, int version, String nonce, HostPort listen) implements ExchangeMessage {
        public Hello {
            require(site != null && !site.isBlank() && site.length() <= 253, "hello.site must be a name");
            require(role != null, "hello.role is required");
            require(nonce != null && nonce.length() >= 16 && nonce.length() <= 128, "hello.nonce must be 16-128 chars");
        }
    }

    /** Proof of the shared secret: HMAC-SHA256 over both nonces and both names, base64. */
    @JsonTypeName("auth")
    record Auth(String proof) implements ExchangeMessage {
        public Auth {
            require(proof != null && proof.length() <= 128, "auth.proof is required");
        }
    }

    /** A branch's report about itself (G1). */
    @JsonTypeName("report")
    record Report(SiteReport report) implements ExchangeMessage {
        public Report {
            requireReport(report);
        }
    }

    /**
     * Everything the sender knows, sent once after the handshake between aggregators (G3, G4),
     * possibly in several frames; {@code complete} marks the last one.
     */
    @JsonTypeName("snapshot")
    record Snapshot(List<WireEntry> entries, boolean complete) implements ExchangeMessage {
        public Snapshot {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    /** Sites whose report changed since the last frame on this link (G3). */
    @JsonTypeName("delta")
    record Delta(List<WireEntry> entries) implements ExchangeMessage {
        public Delta {
            entries = entries == null ? List.of() : List.copyOf(entries);
        }
    }

    /** Master to aggregators: the other aggregators of the hierarchy (G3 "found through the master"). */
    @JsonTypeName("peers")
    record Peers(List<PeerAddress> peers) implements ExchangeMessage {
        public Peers {
            peers = peers == null ? List.of() : List.copyOf(peers);
        }
    }

    /** Aggregator to branch: report now (G2). */
    @JsonTypeName("poll")
    record Poll() implements ExchangeMessage {
    }

    /** Branch to aggregator: choose a branch for this client (G5 forwarded resolution). */
    @JsonTypeName("resolve")
    record ResolveRequest(long id, String domain, String client) implements ExchangeMessage {
        public ResolveRequest {
            require(domain != null && !domain.isBlank() && domain.length() <= 253, "resolve.domain is required");
        }
    }

    /**
     * Answer to {@link ResolveRequest} {@code id}; {@code site} null: no branch available, or, with
     * {@code unknownDomain} true, the aggregator does not serve the domain (a Boolean: absent from
     * older aggregators, which the codec's null-for-primitives rule would otherwise refuse).
     */
    @JsonTypeName("resolved")
    record ResolveAnswer(long id, String domain, String site, HostPort address, long ttlMillis, Boolean unknownDomain)
            implements ExchangeMessage {
        public ResolveAnswer(long id, String domain, String site, HostPort address, long ttlMillis) {
            this(id, domain, site, address, ttlMillis, false);
        }

        public boolean unknown() {
            return Boolean.TRUE.equals(unknownDomain);
        }
    }

    /** Most sites a {@link SitesRequest} may name. */
    int MAX_SITES_PER_REQUEST = 64;

    /**
     * Branch to aggregator: send me these sites' latest reports (D1, D2: the peers of this
     * branch's vServers, which it knows only through its aggregator).
     */
    @JsonTypeName("sites")
    record SitesRequest(long id, List<String> sites) implements ExchangeMessage {
        public SitesRequest {
            require(sites != null && !sites.isEmpty() && sites.size() <= MAX_SITES_PER_REQUEST,
                    "sites.sites must name 1-" + MAX_SITES_PER_REQUEST + " sites");
            for (String s : sites) {
                require(s != null && !s.isBlank() && s.length() <= 253, "sites.sites[] must be site names");
            }
            sites = List.copyOf(sites);
        }
    }

    /**
     * Answer to {@link SitesRequest} {@code id}: the requested sites the aggregator knows, each
     * with its age, possibly in several frames; sites it does not know are left out.
     */
    @JsonTypeName("sites-answer")
    record SitesAnswer(long id, List<WireEntry> entries) implements ExchangeMessage {
        public SitesAnswer {
            entries = entries == null ? List.of() : List.copyOf(entries);
            require(entries.size() <= MAX_SITES_PER_REQUEST, "sites-answer.entries holds at most "
                    + MAX_SITES_PER_REQUEST + " entries");
        }
    }

    /** Keeps an otherwise quiet link alive. */
    @JsonTypeName("heartbeat")
    record Heartbeat() implements ExchangeMessage {
    }

    /** Why the sender is about to close the connection. */
    @JsonTypeName("error")
    record Error(String code, String message) implements ExchangeMessage {
    }

    /**
     * One site's latest report as the sender holds it.
     *
     * @param ageMillis how long ago the sender (or, for recovered state, the master) received
     *                  it: the receiver stamps it {@code now - ageMillis}, so that relayed and
     *                  recovered reports keep ageing and expire by staleAfter (G2, G4)
     * @param recovered the report comes from the master's durable snapshot, not the live hierarchy
     */
    record WireEntry(SiteReport report, long ageMillis, boolean recovered) {
        public WireEntry {
            requireReport(report);
            require(ageMillis >= 0, "entry.ageMillis must not be negative");
        }
    }

    /** An aggregator of the hierarchy and where its exchange listener is. */
    record PeerAddress(String site, HostPort address) {
        public PeerAddress {
            Objects.requireNonNull(site, "peer.site");
            Objects.requireNonNull(address, "peer.address");
        }
    }

    private static void requireReport(SiteReport report) {
        require(report != null, "report is required");
        require(report.site() != null && !report.site().isBlank(), "report.site is required");
        for (var d : report.domains()) {
            require(d != null && d.domain() != null, "report.domains[].domain is required");
        }
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
