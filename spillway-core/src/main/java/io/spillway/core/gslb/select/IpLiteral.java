package io.spillway.core.gslb.select;

import io.spillway.core.model.validate.IpLiterals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * IP address literals as {@link InetAddress}es, parsed without ever asking a name server:
 * {@link InetAddress#getByName} looks a name up when the text is not a literal, which would
 * block the caller (an event loop) and leak the query to the network. The syntax is the
 * configuration's ({@link IpLiterals}), so what validates is what resolves.
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** The address written in {@code text}, or empty when it is not an IP literal. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.length() > 45) {
            return Optional.empty();
        }
        byte[] bytes = IpLiterals.parse(text);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
