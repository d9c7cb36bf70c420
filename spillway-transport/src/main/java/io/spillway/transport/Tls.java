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
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.spillway.core.model.ClientTls;
import io.spillway.core.model.TlsPolicy;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.File;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * TLS contexts from PEM files, on BoringSSL (netty-tcnative) when it loads and the JDK
 * otherwise. Contexts are expensive: build one per listener or service, not per connection.
 */
public final class Tls {

    /** The TLS 1.3 suites BoringSSL offers, always all of them: it has no switch to narrow them. */
    private static final List<String> BORINGSSL_TLS13 =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private Tls() {
    }

    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /**
     * A server context from a PEM certificate chain and a PEM (PKCS#8 or PKCS#1) private key,
     * offering the versions and suites of {@code policy} and {@code alpn} in order of preference
     * (e.g. {@code h2}, {@code http/1.1}); a client that offers none of them, or no ALPN at all,
     * gets a handshake without a protocol selected (it speaks HTTP/1.1).
     */
    public static SslContext server(String certificatePem, String keyPem, TlsPolicy policy, String... alpn)
            throws SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(new File(certificatePem), new File(keyPem))
                .sslProvider(provider());
        if (alpn.length > 0) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                    SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        return offer(b, policy).build();
    }

    /**
     * Restricts {@code b} to the versions and suites of {@code policy}, the server's order of
     * preference first. A suite the provider does not implement is an error naming it, not a
     * suite silently left out.
     */
    public static SslContextBuilder offer(SslContextBuilder b, TlsPolicy policy) throws SSLException {
        List<String> missing = new ArrayList<>();
        Set<String> supported = provider() == SslProvider.JDK ? jdkCipherSuites() : null;
        for (String c : policy.ciphers()) {
            boolean ok = supported == null ? OpenSsl.isCipherSuiteAvailable(c) : supported.contains(c);
            if (!ok) {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            throw new SSLException("cipher suites not implemented by the TLS provider (" + provider() + "): "
                    + String.join(", ", missing));
        }
        if (supported == null && isBoringSsl() && policy.protocols().contains("TLSv1.3")
                && !policy.ciphers().containsAll(BORINGSSL_TLS13)) {
            throw new SSLException("BoringSSL always offers every TLS 1.3 suite (" + String.join(", ", BORINGSSL_TLS13)
                    + "): list all three in ciphers, or leave TLSv1.3 out of protocols");
        }
        return b.protocols(policy.protocols())
                .ciphers(policy.ciphers(), IdentityCipherSuiteFilter.INSTANCE);
    }

    /** Whether the OpenSSL provider is BoringSSL (netty-tcnative-boringssl-static). */
    public static boolean isBoringSsl() {
        return OpenSsl.isAvailable() && OpenSsl.versionString().contains("BoringSSL");
    }

    private static Set<String> jdkCipherSuites() throws SSLException {
        try {
            return Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new SSLException("no default TLS context in this JDK", e);
        }
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
