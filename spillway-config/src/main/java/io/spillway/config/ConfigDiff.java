package io.spillway.config;

import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.VServerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a reload changes (SPEC P3): per section, the entries added, removed and changed
 * (same name, different value), and whether the admin, gslb, logging or cluster sections changed.
 */
public record ConfigDiff(Changes monitors, Changes services, Changes vservers,
                         boolean adminChanged, boolean gslbChanged, boolean loggingChanged, boolean clusterChanged) {

    /** A diff in which {@code logging} and {@code cluster} are unchanged. */
    public ConfigDiff(Changes monitors, Changes services, Changes vservers, boolean adminChanged,
                      boolean gslbChanged) {
        this(monitors, services, vservers, adminChanged, gslbChanged, false, false);
    }

    /** Names, in the order of the new file (removed: of the old one). */
    public record Changes(List<String> added, List<String> removed, List<String> changed) {

        public Changes {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            changed = List.copyOf(changed);
        }

        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }

        static <T> Changes between(List<T> old, List<T> neu, Function<T, String> name) {
            Map<String, T> before = byName(old, name);
            Map<String, T> after = byName(neu, name);
            List<String> added = new ArrayList<>();
            List<String> changed = new ArrayList<>();
            for (Map.Entry<String, T> e : after.entrySet()) {
                T previous = before.get(e.getKey());
                if (previous == null) {
                    added.add(e.getKey());
                } else if (!previous.equals(e.getValue())) {
                    changed.add(e.getKey());
                }
            }
            List<String> removed = new ArrayList<>();
            for (String n : before.keySet()) {
                if (!after.containsKey(n)) {
                    removed.add(n);
                }
            }
            return new Changes(added, removed, changed);
        }

        private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
            Map<String, T> out = new LinkedHashMap<>();
            for (T item : items) {
                out.putIfAbsent(name.apply(item), item);
            }
            return out;
        }
    }

    public static ConfigDiff between(SpillwayConfig old, SpillwayConfig neu) {
        return new ConfigDiff(
                Changes.between(old.monitors(), neu.monitors(), MonitorConfig::name),
                Changes.between(old.services(), neu.services(), ServiceConfig::name),
                Changes.between(old.vservers(), neu.vservers(), VServerConfig::name),
                !Objects.equals(old.admin(), neu.admin()),
                !Objects.equals(old.gslb(), neu.gslb()),
                !Objects.equals(old.logging(), neu.logging()),
                !Objects.equals(old.cluster(), neu.cluster()));
    }

    public boolean isEmpty() {
        return monitors.isEmpty() && services.isEmpty() && vservers.isEmpty() && !adminChanged && !gslbChanged
                && !loggingChanged
                && !clusterChanged;
    }

    /**
     * One line per section that changed, e.g. {@code vservers: added shop-2; changed shop};
     * {@code no changes} when there are none.
     */
    public String summary() {
        List<String> lines = new ArrayList<>();
        section("monitors", monitors, lines);
        section("services", services, lines);
        section("vservers", vservers, lines);
        if (adminChanged) {
            lines.add("admin: changed");
        }
        if (gslbChanged) {
            lines.add("gslb: changed");
        }
        if (loggingChanged) {
            lines.add("logging: changed");
        }
        if (clusterChanged) {
            lines.add("cluster: changed");
        }
        return lines.isEmpty() ? "no changes" : String.join("\n", lines);
    }

    private static void section(String name, Changes c, List<String> lines) {
        if (c.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (!c.added().isEmpty()) {
            parts.add("added " + String.join(", ", c.added()));
        }
        if (!c.removed().isEmpty()) {
            parts.add("removed " + String.join(", ", c.removed()));
        }
        if (!c.changed().isEmpty()) {
            parts.add("changed " + String.join(", ", c.changed()));
        }
        lines.add(name + ": " + String.join("; ", parts));
    }
}
