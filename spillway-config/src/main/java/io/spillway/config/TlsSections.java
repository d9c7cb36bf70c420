package io.spillway.config;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.TlsConfig;

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
        if (f.has("certificates")) {
            List<TlsConfig.Certificate> list = f.list("certificates", (n, p) -> pair(Fields.of(n, p, f.context())));
            f.finish();
            if (list.isEmpty()) {
                f.context().error(f.node("certificates").mark(), f.path("certificates"), "must list at least one certificate");
            }
            return new TlsConfig(list);
        }
        TlsConfig.Certificate single = pair(f);
        return new TlsConfig(List.of(single));
    }

    private static TlsConfig.Certificate pair(Fields f) {
        String certificate = f.requiredString("certificate");
        String key = f.requiredString("key");
        f.finish();
        return new TlsConfig.Certificate(certificate, key);
    }

    /** {@code gslb.exchange.tls: {certificate, key, ca}}; null when absent. */
    static GslbConfig.ExchangeTls exchange(Fields f) {
        if (f == null) {
            return null;
        }
        String certificate = f.requiredString("certificate");
        String key = f.requiredString("key");
        String ca = f.string("ca");
        f.finish();
        return new GslbConfig.ExchangeTls(certificate, key, ca);
    }
}
