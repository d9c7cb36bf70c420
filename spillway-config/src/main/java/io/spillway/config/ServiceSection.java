package io.spillway.config;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.HostPort;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.ServiceProtocol;

import java.util.List;

/**
 * Reads one entry of {@code services}. {@code capacity} (S2) is either a number or a mapping
 * {@code {url: /capacity, default: N}}: the capacity is then learnt from the service, and N
 * (default 0) holds until it has been.
 */
final class ServiceSection {

    static final int MAX_CAPACITY = 10_000_000;

    private ServiceSection() {
    }

    static ServiceConfig read(Fields f) {
        String name = f.requiredString("name");
        HostPort address = f.requiredHostPort("address");
        ServiceProtocol protocol = f.enumValue("protocol", ServiceProtocol.TCP, ServiceProtocol.class);
        int capacity = 0;
        String capacityUrl = null;
        YamlNode capacityNode = f.node("capacity");
        if (capacityNode instanceof YamlNode.Mapping) {
            Fields c = Fields.of(capacityNode, f.path("capacity"), f.context());
            capacityUrl = c.requiredString("url");
            capacity = c.integer("default", 0, 0, MAX_CAPACITY);
            c.finish();
        } else if (capacityNode != null) {
            capacity = f.integer("capacity", 0, 0, MAX_CAPACITY);
        }
        int weight = f.integer("weight", 1, 1, 10_000);
        List<String> monitors = f.strings("monitors");
        Integer monitorThreshold = f.optionalInteger("monitorThreshold", 1, 1_000_000);
        ClientTls tls = TlsSections.client(f.child("tls"));
        f.finish();
        return new ServiceConfig(name, address, protocol, capacity, capacityUrl, weight, monitors,
                monitorThreshold, tls == null ? ClientTls.INSECURE : tls);
    }
}
