package io.spillway.app;

import io.spillway.config.ConfigLoader;
import io.spillway.config.LoadResult;
import io.spillway.transport.Transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several appliances of one test in one JVM, on loopback, sharing one transport: each started
 * from a YAML text, all closed in reverse order by {@link #close()}.
 */
final class LoopbackAppliances implements AutoCloseable {

    private final Transport transport = Transport.create(2);
    private final List<Appliance> appliances = new ArrayList<>();

    /** Starts an appliance from {@code yaml} (named {@code name} in errors); it must be valid. */
    Appliance start(String name, String yaml) throws Exception {
        LoadResult result = ConfigLoader.parse(name, yaml, Map.of());
        assertThat(result.errors()).as(name).isEmpty();
        Appliance appliance = Appliance.start(result.config(), null, transport, false);
        appliances.add(appliance);
        return appliance;
    }

    /** Closes {@code appliance} now rather than with the others. */
    void stop(Appliance appliance) {
        appliances.remove(appliance);
        appliance.close();
    }

    /** A loopback port free now, for a listener whose address another appliance must know in advance. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (int i = appliances.size() - 1; i >= 0; i--) {
            appliances.get(i).close();
        }
        transport.close();
    }
}
