package io.spillway.app;

import io.spillway.core.model.AdminConfig;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a reload did to the {@code admin} section, in the words of the reload answer and log:
 * where the listener went and whether the token changed (never the token itself).
 */
final class AdminChanges {

    private AdminChanges() {
    }

    /**
     * @param bound the admin listener's address after the reload, or null when there is none
     */
    static List<String> describe(AdminConfig before, AdminConfig after, InetSocketAddress bound) {
        List<String> lines = new ArrayList<>();
        if (!Objects.equals(before.listen(), after.listen())) {
            if (after.listen() == null) {
                lines.add("admin: listener on " + before.listen() + " closed (no admin.listen)");
            } else {
                lines.add("admin: listen " + (before.listen() == null ? "added" : "moved from " + before.listen())
                        + " to " + after.listen() + (bound == null ? "" : ", bound on " + Appliance.hostPort(bound))
                        + (before.listen() == null ? "" : "; the old listener is closed"));
            }
        }
        if (!Objects.equals(before.tls(), after.tls())) {
            lines.add(before.tls() == null ? "admin: https only from the next connection"
                    : after.tls() == null ? "admin: plain http from the next connection"
                    : "admin: tls replaced from the next connection");
        }
        if (!Objects.equals(before.token(), after.token())) {
            lines.add(before.token() == null ? "admin: token set"
                    : after.token() == null ? "admin: token removed" : "admin: token replaced");
        }
        return lines;
    }
}
