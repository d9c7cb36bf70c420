package io.spillway.core.model.validate;

import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Spillover chains (SPEC S4): every backup names a vServer, no chain comes back on itself
 * (a loop would hand a connection round forever), and a vServer without a listener is some
 * vServer's backup, the only way a connection can reach it.
 */
final class ChainRules {

    private ChainRules() {
    }

    static void check(SpillwayConfig c, Findings out) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < c.vservers().size(); i++) {
            index.putIfAbsent(c.vservers().get(i).name(), i);
        }
        Set<String> backups = new HashSet<>();
        for (int i = 0; i < c.vservers().size(); i++) {
            VServerConfig v = c.vservers().get(i);
            String backup = v.spillover().backup();
            if (backup == null) {
                continue;
            }
            backups.add(backup);
            String path = Findings.at("vservers", i) + ".spillover.backup";
            if (!index.containsKey(backup)) {
                out.add(path, "no vserver named '" + backup + "' (vservers: "
                        + Findings.some(c.vservers().stream().map(VServerConfig::name).toList()) + ")");
            } else if (backup.equals(v.name())) {
                out.add(path, "a vserver cannot be its own backup: " + v.name() + " -> " + v.name());
            } else if (c.vservers().get(index.get(backup)).gslb() != null) {
                out.add(path, "vserver " + backup + " forwards to the branch GSLB chooses (gslb): it takes no"
                        + " spillover; name a vserver with services");
            }
        }
        loops(c, index, out);
        for (int i = 0; i < c.vservers().size(); i++) {
            VServerConfig v = c.vservers().get(i);
            if (v.listen() == null && v.name() != null && !backups.contains(v.name())) {
                out.add(Findings.at("vservers", i) + ".listen", "vserver " + v.name() + " has no listen and is"
                        + " no vServer's backup: it can never receive a connection");
            }
        }
    }

    /** Reports each loop of two or more vServers once, at its first member in file order. */
    private static void loops(SpillwayConfig c, Map<String, Integer> index, Findings out) {
        Set<Integer> reported = new HashSet<>();
        for (int start = 0; start < c.vservers().size(); start++) {
            List<Integer> walk = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            Integer at = start;
            while (at != null && seen.add(at)) {
                walk.add(at);
                String backup = c.vservers().get(at).spillover().backup();
                at = backup == null ? null : index.get(backup);
            }
            if (at == null) {
                continue;
            }
            List<Integer> cycle = walk.subList(walk.indexOf(at), walk.size());
            int first = cycle.stream().min(Integer::compare).orElseThrow();
            if (cycle.size() < 2 || !reported.add(first)) {
                continue; // self-loops are reported above
            }
            int from = cycle.indexOf(first);
            StringBuilder loop = new StringBuilder();
            for (int k = 0; k <= cycle.size(); k++) {
                loop.append(k == 0 ? "" : " -> ")
                        .append(c.vservers().get(cycle.get((from + k) % cycle.size())).name());
            }
            out.add(Findings.at("vservers", first) + ".spillover.backup", "spillover chain loops: " + loop);
        }
    }
}
