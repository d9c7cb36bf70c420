package io.spillway.proxy;

import io.spillway.core.model.ApplianceLimits;
import io.spillway.core.model.ClientTls;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.TlsConfig;
import io.spillway.core.model.TlsPolicy;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;
import io.spillway.core.runtime.RuntimeGraph;
import io.spillway.testing.TestCertificate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds configuration model records for tests, the way the YAML reader would. */
final class Configs {

    private final List<ServiceConfig> services = new ArrayList<>();
    private final List<VServerConfig> vservers = new ArrayList<>();
    private ApplianceLimits limits = ApplianceLimits.DEFAULT;

    static Configs create() {
        return new Configs();
    }

    Configs service(String name, int port, int capacity) {
        return service(name, port, ServiceProtocol.HTTP, capacity, 1);
    }

    Configs service(String name, int port, ServiceProtocol protocol, int capacity, int weight) {
        services.add(new ServiceConfig(name, new HostPort("127.0.0.1", port), protocol, capacity, null, weight,
                List.of(), null, protocol == ServiceProtocol.TLS ? ClientTls.INSECURE : null));
        return this;
    }

    Configs vserver(VServer v) {
        vservers.add(v.build());
        return this;
    }

    Configs maxConnections(int max) {
        limits = new ApplianceLimits(max);
        return this;
    }

    SpillwayConfig config() {
        return new SpillwayConfig(null, List.of(), services, vservers, null, null, limits);
    }

    RuntimeGraph graph() {
        return RuntimeGraph.build(config());
    }

    static VServer vs(String name, VServerProtocol protocol, String... services) {
        return new VServer(name, protocol, List.of(services));
    }

    /** A vServer entry; listens on 127.0.0.1:0 unless told otherwise, dynamic threshold, no backup. */
    static final class VServer {
        private final String name;
        private final VServerProtocol protocol;
        private final List<String> services;
        private HostPort listen = new HostPort("127.0.0.1", 0);
        private LbMethod lb = LbMethod.ROUNDROBIN;
        private SpilloverMethod method = SpilloverMethod.DYNAMICCONNECTION;
        private int threshold;
        private String backup;
        private Duration persistence = Duration.ZERO;
        private WhenFull whenFull = WhenFull.ACCEPT;
        private String redirectUrl;
        private TlsConfig tls;
        private VServerConfig.Timeouts timeouts = new VServerConfig.Timeouts(
                Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(5));
        private VServerConfig.Limits limits = VServerConfig.Limits.DEFAULT;
        private boolean http2 = true;

        VServer(String name, VServerProtocol protocol, List<String> services) {
            this.name = name;
            this.protocol = protocol;
            this.services = services;
        }

        VServer noListener() {
            listen = null;
            return this;
        }

        VServer listen(HostPort at) {
            listen = at;
            return this;
        }

        VServer lb(LbMethod m) {
            lb = m;
            return this;
        }

        VServer staticThreshold(int t) {
            method = SpilloverMethod.CONNECTION;
            threshold = t;
            return this;
        }

        VServer unlimited() {
            method = SpilloverMethod.NONE;
            return this;
        }

        VServer backup(String b) {
            backup = b;
            return this;
        }

        VServer persistence(Duration d) {
            persistence = d;
            return this;
        }

        VServer whenFull(WhenFull w, String url) {
            whenFull = w;
            redirectUrl = url;
            return this;
        }

        VServer tls(TestCertificate cert) {
            tls = new TlsConfig(cert.certificatePem().toString(), cert.keyPem().toString());
            return this;
        }

        /** Several certificates chosen by SNI, the first the default. */
        VServer tls(TestCertificate... certs) {
            List<TlsConfig.Certificate> list = new ArrayList<>();
            for (TestCertificate c : certs) {
                list.add(new TlsConfig.Certificate(c.certificatePem().toString(), c.keyPem().toString()));
            }
            tls = new TlsConfig(list);
            return this;
        }

        /** The protocol versions and cipher suites the vServer's certificates are offered with. */
        VServer offering(TlsPolicy policy) {
            tls = new TlsConfig(tls.certificates(), policy);
            return this;
        }

        VServer tlsFiles(TlsConfig files) {
            tls = files;
            return this;
        }

        VServer timeouts(Duration connect, Duration idle, Duration header) {
            timeouts = new VServerConfig.Timeouts(connect, idle, header);
            return this;
        }

        VServer tunnelTimeout(Duration tunnel) {
            VServerConfig.Timeouts t = timeouts;
            timeouts = new VServerConfig.Timeouts(t.connect(), t.idle(), t.header(), tunnel, t.server(), t.body(), t.send());
            return this;
        }

        VServer serverTimeout(Duration server) {
            VServerConfig.Timeouts t = timeouts;
            timeouts = new VServerConfig.Timeouts(t.connect(), t.idle(), t.header(), t.tunnel(), server, t.body(), t.send());
            return this;
        }

        VServer bodyTimeout(Duration body, long minBodyRate) {
            VServerConfig.Timeouts t = timeouts;
            timeouts = new VServerConfig.Timeouts(t.connect(), t.idle(), t.header(), t.tunnel(), t.server(), body, t.send());
            VServerConfig.Limits l = limits;
            limits = new VServerConfig.Limits(l.maxRequestLine(), l.maxHeaderSize(), minBodyRate, l.perClient(), l.maxBody(),
                    l.maxConcurrentStreams(), l.initialWindow(), l.maxResetsPerSecond(), l.maxPipelined());
            return this;
        }

        VServer sendTimeout(Duration send) {
            VServerConfig.Timeouts t = timeouts;
            timeouts = new VServerConfig.Timeouts(t.connect(), t.idle(), t.header(), t.tunnel(), t.server(), t.body(), send);
            return this;
        }

        VServer perClient(int connections) {
            VServerConfig.Limits l = limits;
            limits = new VServerConfig.Limits(l.maxRequestLine(), l.maxHeaderSize(), l.minBodyRate(), connections, l.maxBody(),
                    l.maxConcurrentStreams(), l.initialWindow(), l.maxResetsPerSecond(), l.maxPipelined());
            return this;
        }

        VServer maxBody(long bytes) {
            VServerConfig.Limits l = limits;
            limits = new VServerConfig.Limits(l.maxRequestLine(), l.maxHeaderSize(), l.minBodyRate(), l.perClient(), bytes,
                    l.maxConcurrentStreams(), l.initialWindow(), l.maxResetsPerSecond(), l.maxPipelined());
            return this;
        }

        VServer http2(boolean on) {
            http2 = on;
            return this;
        }

        VServer http2Limits(int maxConcurrentStreams, int initialWindow, int maxResetsPerSecond) {
            VServerConfig.Limits l = limits;
            limits = new VServerConfig.Limits(l.maxRequestLine(), l.maxHeaderSize(), l.minBodyRate(), l.perClient(),
                    l.maxBody(), maxConcurrentStreams, initialWindow, maxResetsPerSecond, l.maxPipelined());
            return this;
        }

        VServer maxPipelined(int requests) {
            VServerConfig.Limits l = limits;
            limits = new VServerConfig.Limits(l.maxRequestLine(), l.maxHeaderSize(), l.minBodyRate(), l.perClient(),
                    l.maxBody(), l.maxConcurrentStreams(), l.initialWindow(), l.maxResetsPerSecond(), requests);
            return this;
        }

        VServer limits(int requestLine, int headers) {
            limits = new VServerConfig.Limits(requestLine, headers);
            return this;
        }

        VServerConfig build() {
            SpilloverConfig spill = new SpilloverConfig(method, threshold, backup, persistence, 32, 10_000,
                    whenFull, redirectUrl);
            return new VServerConfig(name, listen, protocol, tls, lb, services, spill, List.of(), timeouts, limits, http2);
        }
    }
}
