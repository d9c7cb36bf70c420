package io.spillway.core.model;

import java.time.Duration;
import java.util.List;

/**
 * One entry of the {@code vservers} section (SPEC S1).
 *
 * @param listen   where clients connect; null for a vServer that only receives spillover
 * @param tls      certificate and key, for {@code protocol: https}
 * @param peers    D2: GSLB sites that get a share of new connections
 * @param timeouts how long each wait of a connection may last
 * @param limits   HTTP size and rate limits, connections per client
 * @param http2    whether an http or https vServer also speaks HTTP/2
 * @param gslb     G6: the GSLB domain whose chosen branch each connection is carried to (proxy
 *                 mode), in place of services; null for an ordinary vServer
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
        Limits limits,
        boolean http2,
        String gslb) {

    public VServerConfig {
        services = services == null ? List.of() : List.copyOf(services);
        peers = peers == null ? List.of() : List.copyOf(peers);
        spillover = spillover == null ? SpilloverConfig.NONE : spillover;
        timeouts = timeouts == null ? Timeouts.DEFAULT : timeouts;
        limits = limits == null ? Limits.DEFAULT : limits;
    }

    /** An ordinary vServer: its services serve its connections. */
    public VServerConfig(String name, HostPort listen, VServerProtocol protocol, TlsConfig tls, LbMethod lbMethod,
                         List<String> services, SpilloverConfig spillover, List<String> peers, Timeouts timeouts,
                         Limits limits, boolean http2) {
        this(name, listen, protocol, tls, lbMethod, services, spillover, peers, timeouts, limits, http2, null);
    }

    /** A vServer with HTTP/2 on (its default: an http or https vServer then also speaks h2, CONTRACT). */
    public VServerConfig(String name, HostPort listen, VServerProtocol protocol, TlsConfig tls, LbMethod lbMethod,
                         List<String> services, SpilloverConfig spillover, List<String> peers, Timeouts timeouts,
                         Limits limits) {
        this(name, listen, protocol, tls, lbMethod, services, spillover, peers, timeouts, limits, true);
    }

    /**
     * @param connect time allowed to connect to a service before another is tried
     * @param idle    a client or backend connection with no traffic this long is closed
     * @param header  time allowed for a client to send a complete request head
     * @param tunnel  a tunnel (an upgraded HTTP connection) with no traffic either way this long is closed
     * @param server  time a service has to send the response head, and then between two reads
     * @param body    time a request body has to arrive after its head, unless it arrives faster
     *                than {@link Limits#minBodyRate()}
     * @param send    a client that takes nothing of a waiting response this long is closed
     */
    public record Timeouts(Duration connect, Duration idle, Duration header, Duration tunnel,
                           Duration server, Duration body, Duration send) {
        public static final Duration DEFAULT_TUNNEL = Duration.ofHours(1);
        public static final Duration DEFAULT_SERVER = Duration.ofSeconds(60);
        public static final Duration DEFAULT_BODY = Duration.ofSeconds(30);
        public static final Duration DEFAULT_SEND = Duration.ofSeconds(30);
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(10), DEFAULT_TUNNEL, DEFAULT_SERVER, DEFAULT_BODY, DEFAULT_SEND);

        /** The timeouts with the defaults of the second wave's keys. */
        public Timeouts(Duration connect, Duration idle, Duration header) {
            this(connect, idle, header, DEFAULT_TUNNEL, DEFAULT_SERVER, DEFAULT_BODY, DEFAULT_SEND);
        }
    }

    /**
     * @param maxRequestLine bytes in an HTTP request line
     * @param maxHeaderSize  bytes in all header lines of a request or response
     * @param minBodyRate    bytes per second a request body may keep arriving at past {@link Timeouts#body()}
     * @param perClient      connections one client address may hold at once on the listener; 0: no limit
     * @param maxBody        bytes in one request body; 0: no limit
     * @param maxConcurrentStreams HTTP/2: streams a client may have open at once on one connection
     *                       (SETTINGS_MAX_CONCURRENT_STREAMS); the header list size is {@code maxHeaderSize}
     * @param initialWindow  HTTP/2: the flow-control window of each stream, in bytes (SETTINGS_INITIAL_WINDOW_SIZE)
     * @param maxResetsPerSecond HTTP/2: streams a client may reset per connection per second before
     *                       the connection is closed with GOAWAY ENHANCE_YOUR_CALM (CVE-2023-44487)
     * @param maxPipelined   HTTP/1.1: requests a client may have sent ahead of the one being answered that
     *                       are parsed and kept; the rest of what it sent is parsed as those are answered
     */
    public record Limits(int maxRequestLine, int maxHeaderSize, long minBodyRate, int perClient, long maxBody,
                         int maxConcurrentStreams, int initialWindow, int maxResetsPerSecond, int maxPipelined) {
        public static final long DEFAULT_MIN_BODY_RATE = 1024;
        public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
        public static final int DEFAULT_INITIAL_WINDOW = 65_535;
        public static final int DEFAULT_MAX_RESETS_PER_SECOND = 100;
        public static final int DEFAULT_MAX_PIPELINED = 32;
        public static final Limits DEFAULT = new Limits(8192, 16384, DEFAULT_MIN_BODY_RATE, 0, 0);

        /** The limits with the defaults of the HTTP/2 keys and of {@code maxPipelined}. */
        public Limits(int maxRequestLine, int maxHeaderSize, long minBodyRate, int perClient, long maxBody) {
            this(maxRequestLine, maxHeaderSize, minBodyRate, perClient, maxBody, DEFAULT_MAX_CONCURRENT_STREAMS,
                    DEFAULT_INITIAL_WINDOW, DEFAULT_MAX_RESETS_PER_SECOND, DEFAULT_MAX_PIPELINED);
        }

        /** The limits with no body limit and the defaults of the HTTP/2 keys. */
        public Limits(int maxRequestLine, int maxHeaderSize, long minBodyRate, int perClient) {
            this(maxRequestLine, maxHeaderSize, minBodyRate, perClient, 0);
        }

        /** The limits with the defaults of the second wave's keys. */
        public Limits(int maxRequestLine, int maxHeaderSize) {
            this(maxRequestLine, maxHeaderSize, DEFAULT_MIN_BODY_RATE, 0, 0);
        }
    }
}
