package io.spillway.core.gslb;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Chooses the branch that should serve a client for a GSLB domain (SPEC G5, G7). Implemented by
 * the selection methods over a {@link SiteTable}; used by the DNS server, the HTTP resolve
 * endpoint and by an aggregator answering a branch's forwarded resolve request.
 */
public interface Resolver {

    /**
     * @param domain the GSLB domain asked for (case-insensitive, no trailing dot)
     * @param client the client's address (or its EDNS Client Subnet address), may be null
     * @return the chosen branch, or empty when no branch is available for the domain
     */
    Optional<Resolution> resolve(String domain, InetAddress client);

    /** Stamp of a resolver whose answers may change at any time: nothing derived from them is kept. */
    long UNVERSIONED = -1;

    /**
     * A stamp of what resolutions are made from (the {@link SiteTable#version()} for selection
     * over a table): while it is unchanged, a domain whose method neither depends on the client
     * nor rotates per resolution resolves to the same branch, so its answer may be kept. A
     * resolver that cannot tell returns {@link #UNVERSIONED}.
     */
    default long version() {
        return UNVERSIONED;
    }

    /** Whether this appliance answers for {@code domain} at all. */
    boolean serves(String domain);
}
