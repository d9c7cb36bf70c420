package io.spillway.app;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration file of one cluster node in front of a {@link HoldingBackend} (shared by
 * {@link ThreeNodeClusterTest} and {@link ClusterBench}): service {@code api} (the backend, TCP,
 * with a capacity) behind TCP vServer {@code front} ({@code dynamicconnection}, {@code whenFull:
 * drop}), the admin API with a token, and a {@code cluster} section. Port 0 takes a free port.
 */
final class ClusterNodeFile {

    private ClusterNodeFile() {
    }

    /** What every node of one cluster shares: the backend, its capacity, etcd and the interval. */
    record Cluster(String name, URI etcd, long intervalMs, int backendPort, int capacity, String token) {
    }

    /** Writes {@code <dir>/<node>.yaml} and returns its path. */
    static Path write(Path dir, Cluster cluster, String node, int adminPort, int frontPort) throws IOException {
        return Files.writeString(dir.resolve(node + ".yaml"), """
                admin: {listen: 127.0.0.1:%d, token: %s}
                services:
                  - {name: api, address: 127.0.0.1:%d, protocol: tcp, capacity: %d}
                vservers:
                  - name: front
                    listen: 127.0.0.1:%d
                    protocol: tcp
                    services: [api]
                    spillover: {method: dynamicconnection, whenFull: drop}
                cluster:
                  name: %s
                  node: %s
                  etcd: [%s]
                  interval: %dms
                """.formatted(adminPort, cluster.token(), cluster.backendPort(), cluster.capacity(), frontPort,
                cluster.name(), node, cluster.etcd(), cluster.intervalMs()));
    }
}
