package io.spillway.gslb.resolve;

/** The domain asked for is not a GSLB domain of the answering aggregator (HTTP 404, DNS NXDOMAIN). */
public final class UnknownDomainException extends Exception {

    public UnknownDomainException(String domain) {
        super("unknown domain " + domain, null, false, false);
    }
}
