package io.spillway.gslb.internal.exchange;

import io.spillway.core.model.GslbRole;
import io.spillway.core.model.HostPort;

import java.util.function.Supplier;

/**
 * This appliance as it introduces itself on every exchange connection.
 *
 * @param listen its advertised exchange listener (known once bound), or a supplier of null
 */
public record LocalEnd(String site, GslbRole role, Supplier<HostPort> listen, HmacAuth auth,
                       ExchangeSettings settings) {
}
