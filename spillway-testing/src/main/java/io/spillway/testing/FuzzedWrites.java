package io.spillway.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fuzzer's input as a peer would send it: in up to eight writes, cut at points the fuzzer
 * chooses, so that every parser also meets its input split at every boundary. The cut points are
 * taken from the fuzzed data first (a count of 0 to 7, then each point in 0..4096), which keeps
 * the regression corpora of the fuzz tests that use it meaningful.
 */
public final class FuzzedWrites {

    private FuzzedWrites() {
    }

    /** Up to seven cut points, in any order and possibly outside the input. */
    public static int[] cuts(FuzzedDataProvider data) {
        int[] cuts = new int[data.consumeInt(0, 7)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = data.consumeInt(0, 4096);
        }
        return cuts;
    }

    /** The distinct cut points strictly inside an input of {@code length} octets, in order. */
    public static int[] points(int[] cuts, int length) {
        return Arrays.stream(cuts).filter(c -> c > 0 && c < length).sorted().distinct().toArray();
    }

    /** {@code input} in heap buffers of {@code alloc}, cut at each point inside it (at least one buffer). */
    public static List<ByteBuf> split(ByteBufAllocator alloc, byte[] input, int[] cuts) {
        List<ByteBuf> parts = new ArrayList<>();
        int from = 0;
        for (int p : points(cuts, input.length)) {
            parts.add(alloc.heapBuffer(p - from).writeBytes(input, from, p - from));
            from = p;
        }
        parts.add(alloc.heapBuffer(input.length - from).writeBytes(input, from, input.length - from));
        return parts;
    }
}
