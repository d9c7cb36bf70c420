package io.spillway.core.internal.select;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RendezvousTest {

    private static String winner(long client, List<String> candidates) {
        String best = null;
        long bestScore = 0;
        for (String c : candidates) {
            long score = Rendezvous.score(client, Rendezvous.nameKey(c));
            if (best == null || Rendezvous.beats(score, bestScore)) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    @Test
    void anIpv4ClientHasOneKeyWhetherGivenAsBytesOrAsItsBits() {
        for (int a : new int[] {0, 1, 0x0a000001, 0xc0000201, -1, 0x7f000001}) {
            byte[] bytes = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
            assertThat(Rendezvous.ipv4Key(a)).isEqualTo(Rendezvous.key(bytes));
        }
    }

    @Test
    void keysAreTheSameOnEveryJvm() {
        // FNV-1a then SplitMix64: fixed values, so that aggregators of any version agree
        assertThat(Rendezvous.mix(0)).isZero();
        assertThat(Rendezvous.mix(1)).isEqualTo(0x5692161d100b05e5L);
        assertThat(Rendezvous.nameKey("")).isEqualTo(Rendezvous.mix(0xcbf29ce484222325L));
        assertThat(Rendezvous.nameKey("a")).isEqualTo(Rendezvous.mix((0xcbf29ce484222325L ^ 'a') * 0x100000001b3L));
    }

    @Test
    void removingACandidateMovesOnlyItsOwnClients() {
        List<String> all = List.of("east", "west", "north", "south");
        List<String> without = List.of("east", "north", "south");
        Map<String, Integer> share = new HashMap<>();
        for (int client = 0; client < 4000; client++) {
            long key = Rendezvous.ipv4Key(0x0a000000 + client);
            String before = winner(key, all);
            share.merge(before, 1, Integer::sum);
            String after = winner(key, without);
            if (!before.equals("west")) {
                assertThat(after).isEqualTo(before);
            }
            assertThat(winner(key, List.of("south", "north", "west", "east"))).as("order does not matter").isEqualTo(before);
        }
        assertThat(share.values()).allSatisfy(n -> assertThat(n).isBetween(800, 1200));
    }
}
