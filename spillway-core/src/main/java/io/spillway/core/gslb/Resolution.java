package io.spillway.core.gslb;

import io.spillway.core.model.HostPort;

import java.time.Duration;

/** The answer to a resolution: which site, where clients connect, and for how long to cache it. */
public record Resolution(String domain, String site, HostPort address, Duration ttl) {
}
