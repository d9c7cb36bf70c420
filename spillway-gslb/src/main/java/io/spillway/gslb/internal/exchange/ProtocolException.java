package io.spillway.gslb.internal.exchange;

/** A peer broke the exchange protocol; {@code code} goes into the error frame sent before closing. */
public final class ProtocolException extends RuntimeException {

    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    public ProtocolException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
