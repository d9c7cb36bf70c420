package io.spillway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which fields a semantic problem was judged from, by the path the problem names (the rules of
 * {@code ConfigValidator}: names, references, chains, per-type requirements). A problem is
 * reported alongside the reader's errors unless one of its inputs is malformed: a dangling
 * {@code backup} is still an error next to an unknown key, but "no vserver named 'x'" is not
 * claimed while a vServer's own name could not be read.
 *
 * <p>A path this table does not know depends on itself (and its ancestors) only.
 */
final class RuleInputs {

    private static final Pattern VSERVER = Pattern.compile("(vservers\\[\\d+\\])\\.(\\w+)(.*)");
    private static final Pattern SERVICE = Pattern.compile("(services\\[\\d+\\])\\.(\\w+)(.*)");
    private static final Pattern MONITOR = Pattern.compile("(monitors\\[\\d+\\])(\\..*)?");
    private static final Pattern DOMAIN = Pattern.compile("(gslb\\.domains\\[\\d+\\])(\\..*)?");

    private RuleInputs() {
    }

    /** Path patterns ({@code [*]}: any index) of the fields a problem at {@code path} depends on. */
    static List<String> of(String path, String message) {
        List<String> in = new ArrayList<>();
        in.add(path); // and so every ancestor: a list that lost an item shifted the indices after it
        Matcher m;
        if ((m = VSERVER.matcher(path)).matches()) {
            vserver(m.group(1), m.group(2), m.group(3), message, in);
        } else if ((m = SERVICE.matcher(path)).matches()) {
            String at = m.group(1);
            switch (m.group(2)) {
                case "monitors" -> in.add("monitors[*].name");
                case "monitorThreshold" -> in.addAll(List.of("monitors[*].name", "monitors[*].weight", at + ".monitors"));
                case "capacity" -> in.add(at + ".protocol");
                default -> { }
            }
        } else if ((m = MONITOR.matcher(path)).matches()) {
            in.add(m.group(1) + ".type");
        } else if ((m = DOMAIN.matcher(path)).matches()) {
            in.add(m.group(1) + ".method");
        } else if (path.matches("gslb\\.publish\\[\\d+\\]\\.vserver")) {
            in.add("vservers[*].name");
        } else if (path.equals("gslb.exchange.secret")) {
            in.add("gslb.exchange.tls");
        } else if (path.equals("gslb.exchange.staleAfter")) {
            in.add("gslb.exchange.interval");
        } else if (path.equals("gslb.publish") || path.startsWith("gslb.exchange.")) {
            in.add("gslb.role"); // what a branch, an aggregator and the master each need
        } else if (path.equals("admin.token")) {
            in.add("admin.listen");
        }
        return in;
    }

    private static void vserver(String at, String key, String rest, String message, List<String> in) {
        switch (key) {
            case "services" -> {
                in.add("services[*].name");
                if (!message.startsWith("no service named")) { // protocols: which services a vServer can bind
                    in.addAll(List.of("services[*].protocol", at + ".protocol"));
                }
            }
            case "tls" -> in.add(at + ".protocol");
            case "listen" -> in.addAll(List.of("vservers[*].name", "vservers[*].spillover.backup"));
            case "peers" -> in.add("gslb.site");
            case "spillover" -> {
                if (rest.equals(".backup")) {
                    in.addAll(List.of("vservers[*].name", "vservers[*].spillover.backup"));
                } else {
                    in.addAll(List.of(at + ".spillover", at + ".protocol", at + ".services", "services[*].name",
                            "services[*].capacity"));
                }
            }
            default -> { }
        }
    }
}
