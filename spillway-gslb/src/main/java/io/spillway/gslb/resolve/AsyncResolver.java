package io.spillway.gslb.resolve;

import io.spillway.core.gslb.Resolution;
import io.spillway.core.gslb.Resolver;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Chooses a branch for a client without blocking the caller (SPEC G5): the local
 * {@link Resolver} of an aggregator answers at once; a branch forwards the question to its
 * aggregator and answers when the aggregator does.
 *
 * <p>The future completes with the chosen branch, with empty when the domain is served but no
 * branch is available, or exceptionally: with {@link UnknownDomainException} when the domain is
 * not served, with another exception when no answer can be had (link down, timeout).
 */
@FunctionalInterface
public interface AsyncResolver {

    CompletableFuture<Optional<Resolution>> resolve(String domain, InetAddress client);

    /** The synchronous in-memory resolver, answered with completed futures. */
    static AsyncResolver of(Resolver resolver) {
        return (domain, client) -> resolver.serves(domain)
                ? CompletableFuture.completedFuture(resolver.resolve(domain, client))
                : CompletableFuture.failedFuture(new UnknownDomainException(domain));
    }
}
