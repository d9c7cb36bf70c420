package io.spillway.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a service's capacity should go among the live nodes of a cluster (issue 12): max-min
 * fair by what each node wants. Nodes that want less than an equal part get what they want; the
 * rest is split equally among the others, the units that do not divide going to the first of them
 * by name. While the nodes together want at least the capacity, the targets add up to exactly the
 * capacity, so no unit is left idle while someone asks for it.
 *
 * <p>Every node computes the same targets from the same etcd range, but nothing relies on that:
 * a target is only what a node aims for. What it may hold is decided by the etcd transaction
 * ({@link ShareBalancer}), so stale or disagreeing targets cost time, never capacity.
 */
final class FairShares {

    private FairShares() {
    }

    /**
     * @param capacity the service's capacity
     * @param wants    each live node's want, by node name
     * @return each node's target, by node name; they add up to at most {@code capacity}
     */
    static Map<String, Integer> targets(int capacity, Map<String, Integer> wants) {
        List<Map.Entry<String, Integer>> order = new ArrayList<>(wants.entrySet());
        order.sort(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Integer> out = new LinkedHashMap<>();
        int remaining = capacity;
        for (int i = 0; i < order.size(); i++) {
            int left = order.size() - i;
            int want = Math.max(0, order.get(i).getValue());
            if (want <= remaining / left) {
                out.put(order.get(i).getKey(), want);
                remaining -= want;
                continue;
            }
            // everyone from here wants more than an equal part: split what remains equally
            List<String> rest = new ArrayList<>();
            for (int j = i; j < order.size(); j++) {
                rest.add(order.get(j).getKey());
            }
            rest.sort(Comparator.naturalOrder());
            int part = remaining / left;
            int odd = remaining % left;
            for (int j = 0; j < rest.size(); j++) {
                out.put(rest.get(j), part + (j < odd ? 1 : 0));
            }
            break;
        }
        return out;
    }
}
