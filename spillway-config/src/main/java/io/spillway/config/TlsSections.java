package io.spillway.config;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.TlsConfig;
import io.spillway.core.model.TlsPolicy;

import java.util.List;

/** The {@code tls} blocks: client side ({@code ca, verify}), server side, and the exchange's. */
final class TlsSections {

    private TlsSections() {
    }

    /** {@code tls: {ca, verify}}; null when the block is absent. */
    static ClientTls client(Fields f) {
        if (f == null) {
            return null;
        }
        String ca = f.string("ca");
        boolean verify = f.bool("verify", false);
        f.finish();
        return new ClientTls(ca, verify);
    }

    /**
     * {@code tls} of an https vServer: {@code {certificate, key}}, or
     * {@code {certificates: [{certificate, key}, ...]}} (chosen by SNI, the first the default);
     * null when absent.
     */
    static TlsConfig server(Fields f) {
        if (f == null) {
            return null;
        }
        TlsPolicy policy = policy(f);
        if (f.has("certificates")) {
            List<TlsConfig.Certificate> list = f.list("certificates", (n, p) -> certificateEntry(Fields.of(n, p, f.context())));
            f.finish();
            if (list.isEmpty()) {
                f.context().error(f.node("certificates").mark(), f.path("certificates"), "must list at least one certificate");
            }
            return new TlsConfig(list, policy);
        }
        TlsConfig.Certificate single = pair(f);
        f.finish();
        return new TlsConfig(List.of(single), policy);
    }

    private static TlsConfig.Certificate pair(Fields f) {
        String certificate = f.requiredString("certificate");
        String key = f.requiredString("key");
        return new TlsConfig.Certificate(certificate, key);
    }

    private static TlsConfig.Certificate certificateEntry(Fields f) {
        TlsConfig.Certificate c = pair(f);
        f.finish();
        return c;
    }

    /** {@code protocols} and {@code ciphers} of a server-side block; absent lists take the defaults. */
    private static TlsPolicy policy(Fields f) {
        return new TlsPolicy(f.strings("protocols"), f.strings("ciphers"));
    }

    /** {@code gslb.exchange.tls: {certificate, key, ca}}; null when absent. */
    static GslbConfig.ExchangeTls exchange(Fields f) {
        if (f == null) {
            return null;
        }
        String certificate = f.requiredString("certificate");
        String key = f.requiredString("key");
        String ca = f.string("ca");
        TlsPolicy policy = policy(f);
        f.finish();
        return new GslbConfig.ExchangeTls(certificate, key, ca, policy);
    }
}
