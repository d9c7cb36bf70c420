package io.spillway.config;

import io.spillway.core.model.ClientTls;
import io.spillway.core.model.GslbConfig;
import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.ServiceConfig;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.model.TlsConfig;
import io.spillway.core.model.VServerConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The TLS files a configuration names (certificates, keys, CAs) with a digest of each one's
 * content. A reload compares them with the last applied ones, so that a certificate rotated in
 * place is picked up although the YAML did not change, as an NGINX or HAProxy reload re-reads
 * its certificate files. A file that cannot be read has a digest of its own that says why.
 *
 * @param digests path as written in the configuration, to the SHA-256 of its content; in path order
 */
public record TlsFiles(Map<String, String> digests) {

    public TlsFiles {
        digests = Collections.unmodifiableSortedMap(new TreeMap<>(digests));
    }

    /** Reads every TLS file {@code c} names; off the event loops. */
    public static TlsFiles of(SpillwayConfig c) {
        TreeSet<String> paths = new TreeSet<>();
        for (VServerConfig v : c.vservers()) {
            if (v.tls() != null) {
                for (TlsConfig.Certificate cert : v.tls().certificates()) {
                    add(paths, cert.certificate());
                    add(paths, cert.key());
                }
            }
        }
        paths.addAll(clientFiles(c));
        paths.addAll(exchangeFiles(c));
        paths.addAll(adminFiles(c));
        Map<String, String> digests = new TreeMap<>();
        for (String p : paths) {
            digests.put(p, digest(Path.of(p)));
        }
        return new TlsFiles(digests);
    }

    /** The CA files services and monitors check their peers with ({@code tls.ca}); those contexts live in probes. */
    public static List<String> clientFiles(SpillwayConfig c) {
        TreeSet<String> paths = new TreeSet<>();
        for (ServiceConfig s : c.services()) {
            add(paths, s.tls());
        }
        for (MonitorConfig m : c.monitors()) {
            add(paths, m.tls());
        }
        return List.copyOf(paths);
    }

    /** The files of {@code gslb.exchange.tls} in {@code c}; empty without one. */
    public static List<String> exchangeFiles(SpillwayConfig c) {
        GslbConfig g = c.gslb();
        GslbConfig.ExchangeTls tls = g == null || g.exchange() == null ? null : g.exchange().tls();
        List<String> files = new ArrayList<>();
        if (tls != null) {
            for (String p : new String[] {tls.certificate(), tls.key(), tls.ca()}) {
                if (p != null) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    /** The files of {@code admin.tls} in {@code c}; empty without one. */
    public static List<String> adminFiles(SpillwayConfig c) {
        List<String> files = new ArrayList<>();
        if (c.admin() != null && c.admin().tls() != null) {
            for (TlsConfig.Certificate cert : c.admin().tls().certificates()) {
                files.add(cert.certificate());
                files.add(cert.key());
            }
        }
        return files;
    }

    /** The files named both here and in {@code previous} whose content differs, in path order. */
    public List<String> rotatedSince(TlsFiles previous) {
        List<String> rotated = new ArrayList<>();
        digests.forEach((path, digest) -> {
            String before = previous.digests.get(path);
            if (before != null && !Objects.equals(before, digest)) {
                rotated.add(path);
            }
        });
        return rotated;
    }

    private static void add(TreeSet<String> paths, ClientTls tls) {
        if (tls != null) {
            add(paths, tls.ca());
        }
    }

    private static void add(TreeSet<String> paths, String path) {
        if (path != null && !path.isBlank()) {
            paths.add(path);
        }
    }

    private static String digest(Path p) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (IOException e) {
            return "unreadable: " + e;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
