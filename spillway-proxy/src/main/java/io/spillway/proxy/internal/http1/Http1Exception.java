package io.spillway.proxy.internal.http1;

/**
 * A framing or syntax violation found by a parser: the status to answer and the rule broken.
 * Stackless: it is an expected outcome of parsing hostile input, not a programming error.
 */
public final class Http1Exception extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    Http1Exception(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public Http1DecodeFailure failure() {
        return new Http1DecodeFailure(status, getMessage());
    }
}
