package io.spillway.config;

import io.spillway.core.model.HostPort;
import io.spillway.core.model.LbMethod;
import io.spillway.core.model.SpilloverConfig;
import io.spillway.core.model.SpilloverMethod;
import io.spillway.core.model.TlsConfig;
import io.spillway.core.model.VServerConfig;
import io.spillway.core.model.VServerProtocol;
import io.spillway.core.model.WhenFull;

import java.time.Duration;
import java.util.List;

/** Reads one entry of {@code vservers} (SPEC S1, S3-S6) with its spillover block. */
final class VServerSection {

    static final int DEFAULT_MASK = 32;
    static final long DEFAULT_MAX_ENTRIES = 100_000;

    private VServerSection() {
    }

    static VServerConfig read(Fields f) {
        String name = f.requiredString("name");
        HostPort listen = f.hostPort("listen");
        VServerProtocol protocol = f.enumValue("protocol", VServerProtocol.HTTP, VServerProtocol.class);
        TlsConfig tls = TlsSections.server(f.child("tls"));
        LbMethod lbMethod = f.enumValue("lbMethod", LbMethod.ROUNDROBIN, LbMethod.class);
        List<String> services = f.strings("services");
        SpilloverConfig spillover = spillover(f.child("spillover"));
        List<String> peers = f.strings("peers");
        VServerConfig.Timeouts timeouts = timeouts(f.child("timeouts"));
        VServerConfig.Limits limits = limits(f.child("limits"));
        boolean http2 = f.bool("http2", true);
        String gslb = f.string("gslb");
        f.finish();
        return new VServerConfig(name, listen, protocol, tls, lbMethod, services, spillover, peers,
                timeouts, limits, http2, gslb);
    }

    /** No block: method none. A block: dynamicconnection unless it says otherwise. */
    private static SpilloverConfig spillover(Fields f) {
        if (f == null) {
            return SpilloverConfig.NONE;
        }
        SpilloverMethod method = f.enumValue("method", SpilloverMethod.DYNAMICCONNECTION, SpilloverMethod.class);
        int threshold = f.integer("threshold", 0, 0, Integer.MAX_VALUE - 1);
        String backup = f.string("backup");
        Duration persistence = f.duration("persistence", Duration.ZERO, Duration.ZERO, false);
        int mask = f.integer("persistenceMask", DEFAULT_MASK, 0, 32);
        long maxEntries = f.longValue("persistenceMaxEntries", DEFAULT_MAX_ENTRIES, 1, 100_000_000);
        String redirectUrl = f.string("redirectUrl");
        WhenFull whenFull = f.enumValue("whenFull", redirectUrl != null ? WhenFull.REDIRECT : WhenFull.DROP,
                WhenFull.class);
        f.finish();
        return new SpilloverConfig(method, threshold, backup, persistence, mask, maxEntries, whenFull, redirectUrl);
    }

    private static VServerConfig.Timeouts timeouts(Fields f) {
        if (f == null) {
            return VServerConfig.Timeouts.DEFAULT;
        }
        VServerConfig.Timeouts d = VServerConfig.Timeouts.DEFAULT;
        Duration connect = f.duration("connect", d.connect(), Duration.ZERO, true);
        Duration idle = f.duration("idle", d.idle(), Duration.ZERO, true);
        Duration header = f.duration("header", d.header(), Duration.ZERO, true);
        Duration tunnel = f.duration("tunnel", d.tunnel(), Duration.ZERO, true);
        Duration server = f.duration("server", d.server(), Duration.ZERO, true);
        Duration body = f.duration("body", d.body(), Duration.ZERO, true);
        Duration send = f.duration("send", d.send(), Duration.ZERO, true);
        f.finish();
        return new VServerConfig.Timeouts(connect, idle, header, tunnel, server, body, send);
    }

    private static VServerConfig.Limits limits(Fields f) {
        if (f == null) {
            return VServerConfig.Limits.DEFAULT;
        }
        VServerConfig.Limits d = VServerConfig.Limits.DEFAULT;
        int requestLine = f.integer("maxRequestLine", d.maxRequestLine(), 64, 1 << 20);
        int headerSize = f.integer("maxHeaderSize", d.maxHeaderSize(), 256, 1 << 20);
        long minBodyRate = f.longValue("minBodyRate", d.minBodyRate(), 0, 1L << 40);
        int perClient = f.integer("perClient", d.perClient(), 0, 1_000_000);
        long maxBody = f.size("maxBody", d.maxBody(), 0, Long.MAX_VALUE);
        int streams = f.integer("maxConcurrentStreams", d.maxConcurrentStreams(), 1, 1 << 20);
        int window = f.integer("initialWindow", d.initialWindow(), 1024, Integer.MAX_VALUE);
        int resets = f.integer("maxResetsPerSecond", d.maxResetsPerSecond(), 1, 1_000_000);
        int pipelined = f.integer("maxPipelined", d.maxPipelined(), 1, 10_000);
        f.finish();
        return new VServerConfig.Limits(requestLine, headerSize, minBodyRate, perClient, maxBody, streams, window, resets,
                pipelined);
    }
}
