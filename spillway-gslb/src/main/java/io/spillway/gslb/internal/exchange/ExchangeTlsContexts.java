package io.spillway.gslb.internal.exchange;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.spillway.core.model.GslbConfig;
import io.spillway.transport.Tls;

import javax.net.ssl.SSLException;
import java.io.File;

/**
 * Mutual TLS for exchange links: both ends present a certificate signed by the configured CA and
 * require the other's. Peers are known by address, not host name, so the name in the certificate
 * is not checked; possession of a CA-signed key is what authenticates. Both sides offer the
 * versions and suites of {@code tls.protocols} and {@code tls.ciphers}.
 */
public record ExchangeTlsContexts(SslContext server, SslContext client) {

    /** @return null when {@code tls} is null (plain TCP) */
    public static ExchangeTlsContexts from(GslbConfig.ExchangeTls tls) throws SSLException {
        if (tls == null) {
            return null;
        }
        File cert = new File(tls.certificate());
        File key = new File(tls.key());
        File ca = new File(tls.ca());
        SslContext server = Tls.offer(SslContextBuilder.forServer(cert, key)
                .sslProvider(Tls.provider())
                .trustManager(ca)
                .clientAuth(ClientAuth.REQUIRE), tls.policy())
                .build();
        SslContext client = Tls.offer(SslContextBuilder.forClient()
                .sslProvider(Tls.provider())
                .keyManager(cert, key)
                .trustManager(ca)
                .endpointIdentificationAlgorithm(null), tls.policy())
                .build();
        return new ExchangeTlsContexts(server, client);
    }
}
