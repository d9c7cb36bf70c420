package io.spillway.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.spillway.core.model.TlsConfig;
import io.spillway.transport.Tls;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The server side of an https vServer's TLS: one context per certificate, and which one a
 * client gets (CONTRACT {@code tls.certificates}).
 *
 * <p>With one certificate every client gets it. With several, the client's SNI name (RFC 6066
 * section 3) picks the certificate that carries it, read once from each certificate: its DNS
 * subject alternative names, or its subject's common name when it has none (RFC 6125 6.4.4);
 * a wildcard name ({@code *.example.com}) covers one label. A client that sends no name or one
 * no certificate carries gets the first certificate, the default. A name claimed by two
 * certificates goes to the earlier one. Netty's {@link SniHandler} reads the ClientHello and
 * puts the chosen context's {@link SslHandler} in its place.
 */
final class ServerTls {

    private final SslContext defaultContext;
    private final Mapping<String, SslContext> byName;

    private ServerTls(SslContext defaultContext, Mapping<String, SslContext> byName) {
        this.defaultContext = defaultContext;
        this.byName = byName;
    }

    /** The contexts of {@code tls}, each offering {@code alpn}; off the event loops (reads files). */
    static ServerTls build(TlsConfig tls, String... alpn) throws SSLException {
        List<TlsConfig.Certificate> certificates = tls.certificates();
        SslContext first = Tls.server(certificates.get(0).certificate(), certificates.get(0).key(), tls.policy(), alpn);
        if (certificates.size() == 1) {
            return new ServerTls(first, null);
        }
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(first);
        for (int i = certificates.size() - 1; i >= 0; i--) { // later adds win: the earliest certificate last
            TlsConfig.Certificate c = certificates.get(i);
            SslContext context = i == 0 ? first : Tls.server(c.certificate(), c.key(), tls.policy(), alpn);
            for (String name : names(Path.of(c.certificate()))) {
                mapping.add(name, context);
            }
        }
        return new ServerTls(first, mapping.build());
    }

    /** A handler that does the server side of the handshake, with {@code timeoutMillis} for it. */
    ChannelHandler newHandler(ByteBufAllocator alloc, long timeoutMillis) {
        if (byName == null) {
            SslHandler tls = defaultContext.newHandler(alloc);
            tls.setHandshakeTimeoutMillis(timeoutMillis);
            return tls;
        }
        return new SniHandler(byName, timeoutMillis);
    }

    /**
     * The host names a certificate is for: the DNS names among its subject alternative names,
     * else its subject's common name; lower case.
     */
    static List<String> names(Path certificatePem) throws SSLException {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certificatePem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | CertificateException e) {
            throw new SSLException("cannot read certificate " + certificatePem + ": " + e.getMessage(), e);
        }
        List<String> names = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (((Integer) san.get(0)) == 2) { // dNSName
                        names.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new SSLException("cannot read the names of " + certificatePem, e);
        }
        if (names.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                throw new SSLException("cannot read the subject of " + certificatePem, e);
            }
        }
        return names;
    }
}
