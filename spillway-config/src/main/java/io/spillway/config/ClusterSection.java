package io.spillway.config;

import io.spillway.core.model.ClusterConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;

/** Reads the {@code cluster} section (issue 12): the nodes that share their services' capacity in etcd. */
final class ClusterSection {

    private ClusterSection() {
    }

    static ClusterConfig read(Fields f) {
        ReadContext ctx = f.context();
        String name = f.requiredString("name");
        String node = f.requiredString("node");
        List<URI> etcd = f.list("etcd", (n, p) -> endpoint(n, p, ctx));
        if (etcd.isEmpty() && !f.has("etcd")) {
            f.missing("etcd");
        }
        Duration interval = f.duration("interval", ClusterConfig.DEFAULT_INTERVAL, Duration.ofMillis(50), true);
        f.finish();
        return new ClusterConfig(name, node, etcd, interval);
    }

    /**
     * An etcd client URL: {@code http://host:port} or {@code https://host:port}, nothing after the
     * port (also {@code gslb.exchange.etcd}).
     */
    static URI endpoint(YamlNode node, String path, ReadContext ctx) {
        String text = ctx.text(node, path);
        if (text == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            uri = null;
        }
        String scheme = uri == null ? null : uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || uri.getPort() < 0) {
            ctx.error(node.mark(), path, "expected an etcd client URL such as http://127.0.0.1:2379, got '"
                    + text.trim() + "'");
            return null;
        }
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            ctx.error(node.mark(), path, "an etcd URL is scheme, host and port only, got '" + text.trim() + "'");
            return null;
        }
        return URI.create(scheme + "://" + uri.getRawAuthority());
    }
}
