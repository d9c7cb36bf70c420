package io.spillway.config;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.TlsConfig;

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

    /** {@code tls: {certificate, key}} of an https vServer; null when absent. */
    static TlsConfig server(Fields f) {
        if (f == null) {
            return null;
        }
        String certificate = f.requiredString("certificate");
        String key = f.requiredString("key");
        f.finish();
        return new TlsConfig(certificate, key);
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
