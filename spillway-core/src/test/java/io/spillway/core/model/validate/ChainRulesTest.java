package io.spillway.core.model.validate;

import io.spillway.core.model.ServiceProtocol;
import io.spillway.core.model.VServerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.spillway.core.model.validate.Fixtures.config;
import static io.spillway.core.model.validate.Fixtures.service;
import static io.spillway.core.model.validate.Fixtures.spillover;
import static io.spillway.core.model.validate.Fixtures.vserver;
import static io.spillway.core.model.validate.Fixtures.withSpillover;
import static org.assertj.core.api.Assertions.assertThat;

class ChainRulesTest {

    @Test
    void aChainOfAnyLengthEndingInAVserverWithoutBackupIsValid() {
        assertThat(validate(
                chained("a", "127.0.0.1:8080", "b"),
                chained("b", null, "c"),
                chained("c", null, null))).isEmpty();
    }

    @Test
    void backupMustNameAVserver() {
        assertThat(validate(chained("a", "127.0.0.1:8080", "ghost"))).containsExactly(
                new ConfigProblem("vservers[0].spillover.backup", "no vserver named 'ghost' (vservers: a)"));
    }

    @Test
    void aLoopIsReportedOnceWithItsPath() {
        assertThat(validate(
                chained("entry", "127.0.0.1:8080", "a"),
                chained("a", null, "b"),
                chained("b", null, "c"),
                chained("c", null, "a"))).containsExactly(
                new ConfigProblem("vservers[1].spillover.backup", "spillover chain loops: a -> b -> c -> a"));
    }

    @Test
    void twoVserversBackingEachOtherUp() {
        assertThat(validate(chained("a", "127.0.0.1:8080", "b"), chained("b", "127.0.0.1:8081", "a")))
                .containsExactly(new ConfigProblem("vservers[0].spillover.backup", "spillover chain loops: a -> b -> a"));
    }

    @Test
    void aVserverCannotBeItsOwnBackup() {
        assertThat(validate(chained("a", "127.0.0.1:8080", "a"))).containsExactly(
                new ConfigProblem("vservers[0].spillover.backup", "a vserver cannot be its own backup: a -> a"));
    }

    @Test
    void aVserverWithoutListenMustBeSomeonesBackup() {
        assertThat(validate(chained("a", "127.0.0.1:8080", null), chained("orphan", null, null))).containsExactly(
                new ConfigProblem("vservers[1].listen", "vserver orphan has no listen and is no vServer's backup:"
                        + " it can never receive a connection"));
    }

    private static VServerConfig chained(String name, String listen, String backup) {
        return withSpillover(vserver(name, listen, "web"), spillover(backup));
    }

    private static List<ConfigProblem> validate(VServerConfig... vservers) {
        return ConfigValidator.validate(config(List.of(), List.of(service("web", ServiceProtocol.HTTP, 10)),
                List.of(vservers)));
    }
}
