package io.spillway.core.model.validate;

import io.spillway.core.model.ClusterConfig;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.SpillwayConfig;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Names are unique within their section and safe to use in URLs, metric labels and logs
 * ({@code /api/v1/vservers/{name}}, {@code spillway_vserver_threshold{vserver="..."}}).
 */
final class NameRules {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private NameRules() {
    }

    static void check(SpillwayConfig c, Findings out) {
        unique("monitors", "monitor", c.monitors(), m -> m.name(), out);
        unique("services", "service", c.services(), s -> s.name(), out);
        unique("vservers", "vserver", c.vservers(), v -> v.name(), out);
        GslbConfig g = c.gslb();
        if (g != null) {
            if (g.site() != null) {
                name("gslb.site", g.site(), out);
            }
            domains("gslb.domains", "name", g.domains(), GslbConfig.Domain::name, out);
            domains("gslb.publish", "domain", g.publish(), GslbConfig.Publish::domain, out);
        }
        ClusterConfig cluster = c.cluster();
        if (cluster != null) { // both become parts of etcd keys (issue 12)
            if (cluster.name() != null) {
                name("cluster.name", cluster.name(), out);
            }
            if (cluster.node() != null) {
                name("cluster.node", cluster.node(), out);
            }
        }
    }

    static boolean isName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void name(String path, String name, Findings out) {
        if (!isName(name)) {
            out.add(path, "'" + name + "' is not a valid name: use letters, digits, '.', '_' and '-'"
                    + " (starting with a letter or digit, at most 100 characters)");
        }
    }

    private static <T> void unique(String section, String kind, List<T> items, Function<T, String> nameOf,
                                   Findings out) {
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String name = nameOf.apply(items.get(i));
            String path = Findings.at(section, i) + ".name";
            if (name == null) {
                out.add(path, "required key is missing");
                continue;
            }
            name(path, name, out);
            Integer previous = first.putIfAbsent(name, i);
            if (previous != null) {
                out.add(path, "duplicate " + kind + " name '" + name + "' (also "
                        + Findings.at(section, previous) + ")");
            }
        }
    }

    private static <T> void domains(String section, String key, List<T> items, Function<T, String> nameOf,
                                    Findings out) {
        Map<String, Integer> first = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String domain = nameOf.apply(items.get(i));
            String path = Findings.at(section, i) + "." + key;
            if (domain == null) {
                out.add(path, "required key is missing");
                continue;
            }
            if (!DomainNames.isValid(domain)) {
                out.add(path, "'" + domain + "' is not a valid domain name");
            }
            Integer previous = first.putIfAbsent(DomainNames.canonical(domain), i);
            if (previous != null) {
                out.add(path, "duplicate domain '" + domain + "' (also " + Findings.at(section, previous) + ")");
            }
        }
    }
}
