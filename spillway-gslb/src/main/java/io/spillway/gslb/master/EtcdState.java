package io.spillway.gslb.master;

import io.spillway.core.gslb.SiteEntry;
import io.spillway.etcd.EtcdClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The master's durable picture kept in etcd instead of a file (issue 12,
 * {@code gslb.exchange.etcd}), so that whichever master of the site is active has it.
 *
 * <p>One key per site, {@code /spillway/gslb/<master site>/sites/<site>}, holding the same
 * entry as the snapshot file does (the report, when the master received it, whether it was
 * recovered), so that a table of any size stays far below etcd's request limit. A write puts the
 * sites whose entry changed since the last write and deletes the sites that left the table, in
 * transactions of at most {@link #OPS_PER_TXN} operations (etcd's default limit is 128), each
 * fenced by the election: it applies only while the election key holds this master's identity,
 * so a master that lost its lease without noticing yet cannot overwrite its successor's state.
 *
 * <p>Reading (at takeover) loads every key of the prefix and takes it as what etcd holds, so the
 * next write sends only what differs. Entries that cannot be parsed are skipped and reported.
 */
final class EtcdState implements MasterState {

    private static final Logger log = LoggerFactory.getLogger(EtcdState.class);
    static final int OPS_PER_TXN = 100;

    private final EtcdClient etcd;
    private final List<URI> endpoints;
    private final String prefix;
    private final String electionKey;
    private final String identity;
    private final Map<String, String> written = new HashMap<>();

    EtcdState(EtcdClient etcd, List<URI> endpoints, String masterSite, String electionKey, String identity) {
        this.etcd = etcd;
        this.endpoints = List.copyOf(endpoints);
        this.prefix = prefix(masterSite);
        this.electionKey = electionKey;
        this.identity = identity;
    }

    /** Where the sites of the master of {@code masterSite} are kept. */
    static String prefix(String masterSite) {
        return "/spillway/gslb/" + masterSite + "/sites/";
    }

    @Override
    public String where() {
        return "etcd " + endpoints + " under " + prefix;
    }

    @Override
    public synchronized List<SnapshotStore.Entry> read() throws IOException {
        EtcdClient.Range range = etcd.range(prefix);
        List<SnapshotStore.Entry> out = new ArrayList<>();
        written.clear();
        for (EtcdClient.KeyValue kv : range.kvs()) {
            String site = kv.key().substring(prefix.length());
            written.put(site, kv.value());
            try {
                out.add(SnapshotStore.entry(kv.value().getBytes(StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                log.warn("master state {} in etcd is not an entry ({}); ignoring it", kv.key(), e.toString());
            }
        }
        return out;
    }

    @Override
    public synchronized void write(String master, Collection<SiteEntry> sites, long nowMillis) throws IOException {
        Map<String, String> puts = new LinkedHashMap<>();
        Set<String> present = new HashSet<>();
        for (SiteEntry e : sites) {
            String site = e.report().site();
            present.add(site);
            String json = new String(SnapshotStore.json(
                    new SnapshotStore.Entry(e.report(), e.receivedAtMillis(), e.recovered())), StandardCharsets.UTF_8);
            if (!json.equals(written.get(site))) {
                puts.put(site, json);
            }
        }
        List<String> deletes = new ArrayList<>();
        for (String site : written.keySet()) {
            if (!present.contains(site)) {
                deletes.add(site);
            }
        }
        List<Map.Entry<String, String>> putList = new ArrayList<>(puts.entrySet());
        int p = 0;
        int d = 0;
        while (p < putList.size() || d < deletes.size()) {
            Map<String, String> batchPuts = new LinkedHashMap<>();
            List<String> batchDeletes = new ArrayList<>();
            while (p < putList.size() && batchPuts.size() < OPS_PER_TXN) {
                Map.Entry<String, String> e = putList.get(p++);
                batchPuts.put(prefix + e.getKey(), e.getValue());
            }
            while (d < deletes.size() && batchPuts.size() + batchDeletes.size() < OPS_PER_TXN) {
                batchDeletes.add(prefix + deletes.get(d++));
            }
            if (!etcd.writeWhile(electionKey, identity, batchPuts, batchDeletes)) {
                throw new NotActiveException("the election key " + electionKey + " no longer names this master");
            }
            batchPuts.forEach((k, v) -> written.put(k.substring(prefix.length()), v));
            batchDeletes.forEach(k -> written.remove(k.substring(prefix.length())));
        }
    }
}
