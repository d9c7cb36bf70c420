package io.spillway.core.model.validate;

import io.spillway.core.model.MonitorConfig;
import io.spillway.core.model.MonitorType;
import io.spillway.core.model.SpillwayConfig;
import io.spillway.core.net.IpAddress;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Each monitor carries what its probe type needs and nothing that another type would use
 * (SPEC M1): a misplaced key is a misunderstanding worth reporting, not ignoring.
 */
final class MonitorRules {

    private static final Pattern REQUEST = Pattern.compile("[A-Z]+ /\\S*");
    private static final Set<MonitorType> ECV =
            EnumSet.of(MonitorType.TCP_ECV, MonitorType.HTTP_ECV, MonitorType.HTTPS_ECV, MonitorType.UDP_ECV);
    private static final Set<MonitorType> SENDS = EnumSet.of(MonitorType.TCP_ECV, MonitorType.UDP_ECV);

    private MonitorRules() {
    }

    static void check(SpillwayConfig c, Findings out) {
        for (int i = 0; i < c.monitors().size(); i++) {
            MonitorConfig m = c.monitors().get(i);
            if (m.type() != null) {
                check(m, Findings.at("monitors", i), out);
            }
        }
    }

    private static void check(MonitorConfig m, String at, Findings out) {
        MonitorType type = m.type();
        String t = type.configName();
        Set<MonitorType> http = EnumSet.of(MonitorType.HTTP, MonitorType.HTTP_ECV, MonitorType.HTTPS,
                MonitorType.HTTPS_ECV);
        only(m.request() != null, http, type, at + ".request", out);
        only(!m.expectStatus().isEmpty(), http, type, at + ".expectStatus", out);
        if (type.isHttp() && m.request() != null && !REQUEST.matcher(m.request()).matches()) {
            out.add(at + ".request", "'" + m.request() + "' is not a method and a path, e.g. GET /healthz");
        }
        Set<MonitorType> bodies = EnumSet.copyOf(ECV);
        bodies.add(MonitorType.FTP);
        only(m.expectBody() != null, bodies, type, at + ".expectBody", out);
        required(ECV.contains(type) && m.expectBody() == null, t, at + ".expectBody",
                "the substring the reply must contain", out);
        only(m.send() != null, SENDS, type, at + ".send", out);
        required(SENDS.contains(type) && m.send() == null, t, at + ".send", "the payload to send", out);
        Set<MonitorType> dns = EnumSet.of(MonitorType.DNS);
        only(m.query() != null, dns, type, at + ".query", out);
        only(m.expectAddress() != null, dns, type, at + ".expectAddress", out);
        if (type == MonitorType.DNS) {
            required(m.query() == null, t, at + ".query", "the name to resolve", out);
            required(m.expectAddress() == null, t, at + ".expectAddress", "the address the answer must hold", out);
            if (m.query() != null && !DomainNames.isValid(m.query())) {
                out.add(at + ".query", "'" + m.query() + "' is not a valid domain name");
            }
            if (m.expectAddress() != null && !IpAddress.isLiteral(m.expectAddress())) {
                out.add(at + ".expectAddress", "'" + m.expectAddress() + "' is not an IPv4 or IPv6 address");
            }
        }
        only(m.ftp() != null, EnumSet.of(MonitorType.FTP), type, at + ".ftp", out);
        required(type == MonitorType.FTP && m.ftp() == null, t, at + ".ftp",
                "{user, password, command}", out);
        only(m.tls() != null, EnumSet.of(MonitorType.HTTPS, MonitorType.HTTPS_ECV), type, at + ".tls", out);
    }

    private static void only(boolean present, Set<MonitorType> types, MonitorType type, String path, Findings out) {
        if (present && !types.contains(type)) {
            out.add(path, "applies only to " + names(types) + " monitors, not to type " + type.configName());
        }
    }

    private static void required(boolean missing, String type, String path, String what, Findings out) {
        if (missing) {
            out.add(path, "required for " + Findings.article(type) + " monitor: " + what);
        }
    }

    private static String names(Set<MonitorType> types) {
        return types.stream().map(MonitorType::configName).collect(Collectors.joining(", "));
    }
}
