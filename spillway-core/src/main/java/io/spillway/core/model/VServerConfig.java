package io.spillway.core.model;

import java.time.Duration;
import java.util.List;

/**
 * One entry of the {@code vservers} section (SPEC S1).
 *
 * @param listen   where clients connect; null for a vServer that only receives spillover
 * @param tls      certificate and key, for {@code protocol: https}
 * @param peers    D2: GSLB sites that get a share of new connections
 * @param timeouts connect, idle and header-read timeouts
 * @param limits   HTTP request line and header size limits
 */
public record VServerConfig(
        String name,
        HostPort listen,
        VServerProtocol protocol,
        TlsConfig tls,
        LbMethod lbMethod,
        List<String> services,
        SpilloverConfig spillover,
        List<String> peers,
        Timeouts timeouts,
        Limits limits) {

    public VServerConfig {
        services = services == null ? List.of() : List.copyOf(services);
        peers = peers == null ? List.of() : List.copyOf(peers);
        spillover = spillover == null ? SpilloverConfig.NONE : spillover;
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
        limits = limits == null ? Limits.DEFAULT : limits;
    }

    /**
     * @param connect time allowed to connect to a service before another is tried
     * @param idle    a client or backend connection with no traffic this long is closed
     * @param header  time allowed for a client to send a complete request head
     * @param tunnel  a tunnel (an upgraded HTTP connection) with no traffic either way this long is closed
     */
    public record Timeouts(Duration connect, Duration idle, Duration header, Duration tunnel) {
        public static final Duration DEFAULT_TUNNEL = Duration.ofHours(1);
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(10), DEFAULT_TUNNEL);

        /** The timeouts with the default tunnel timeout. */
        public Timeouts(Duration connect, Duration idle, Duration header) {
            this(connect, idle, header, DEFAULT_TUNNEL);
        }
    }

    /**
     * @param maxRequestLine bytes in an HTTP request line
     * @param maxHeaderSize  bytes in all header lines of a request or response
     */
    public record Limits(int maxRequestLine, int maxHeaderSize) {
        public static final Limits DEFAULT = new Limits(8192, 16384);
    }
}
