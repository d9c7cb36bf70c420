package io.spillway.transport;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.spillway.core.model.ClientTls;

import javax.net.ssl.SSLException;
import java.io.File;

/**
 * TLS contexts from PEM files, on BoringSSL (netty-tcnative) when it loads and the JDK
 * otherwise. Contexts are expensive: build one per listener or service, not per connection.
 */
public final class Tls {

    private Tls() {
    }

    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** A server context from a PEM certificate chain and a PEM (PKCS#8 or PKCS#1) private key. */
    public static SslContext server(String certificatePem, String keyPem) throws SSLException {
        return SslContextBuilder.forServer(new File(certificatePem), new File(keyPem))
                .sslProvider(provider())
                .build();
    }

    /** A client context that checks the peer as {@code tls} says. */
    public static SslContext client(ClientTls tls) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider());
        if (tls == null || !tls.verify()) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (tls.ca() != null) {
            b.trustManager(new File(tls.ca()));
        }
        return b.build();
    }
}
