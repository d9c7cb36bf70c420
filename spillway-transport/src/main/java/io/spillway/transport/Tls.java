package io.spillway.transport;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
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
        return server(certificatePem, keyPem, new String[0]);
    }

    /**
     * A server context that offers {@code alpn} in order of preference (e.g. {@code h2},
     * {@code http/1.1}); a client that offers none of them, or no ALPN at all, gets a handshake
     * without a protocol selected (it speaks HTTP/1.1).
     */
    public static SslContext server(String certificatePem, String keyPem, String... alpn) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(new File(certificatePem), new File(keyPem))
                .sslProvider(provider());
        if (alpn.length > 0) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                    SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        return b.build();
    }

    /** A client context that checks the peer as {@code tls} says. */
    public static SslContext client(ClientTls tls) throws SSLException {
        return client(tls, new String[0]);
    }

    /** A client context that checks the peer as {@code tls} says and offers {@code alpn}. */
    public static SslContext client(ClientTls tls, String... alpn) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient().sslProvider(provider());
        if (alpn.length > 0) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                    SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        if (tls == null || !tls.verify()) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else if (tls.ca() != null) {
            b.trustManager(new File(tls.ca()));
        }
        return b.build();
    }
}
