package io.spillway.proxy.internal.http1;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.spillway.testing.FuzzedWrites;
import io.spillway.testing.TrackingAllocator;

import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the HTTP/1.1 decoders through an {@link EmbeddedChannel}: any octets,
 * split into up to eight writes at points the fuzzer chooses. Invariants checked on every input:
 * no exception leaves the pipeline; the messages follow the decoder's grammar (head, content,
 * end; a failure last, with a 4xx/5xx status); every buffer the test's allocator made is released
 * once the messages are released and the channel is closed; and each request the decoder
 * accepts, written by {@link RequestHeadWriter} and parsed again, has the same method, target and
 * framing (a differential check of parser and writer).
 *
 * <p>{@code mvn verify} replays the inputs under {@code Http1DecoderFuzzTestInputs/}; {@code
 * bench/fuzz/run.sh} fuzzes.
 */
class Http1DecoderFuzzTest {

    private static final int MAX_LINE = 400;
    private static final int MAX_HEADER = 800;

    @FuzzTest
    void requestDecoder(FuzzedDataProvider data) {
        boolean passThroughChunks = data.consumeBoolean();
        long upgradeAnswers = data.consumeLong();
        int[] cuts = FuzzedWrites.cuts(data);
        byte[] input = data.consumeRemainingAsBytes();

        TrackingAllocator alloc = new TrackingAllocator();
        Http1RequestDecoder decoder = new Http1RequestDecoder(MAX_LINE, MAX_HEADER, passThroughChunks);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(decoder);
        Grammar grammar = new Grammar(true);
        int upgrades = 0;
        int parts = 0;
        try {
            for (ByteBuf part : FuzzedWrites.split(alloc, input, cuts)) {
                // every other part arrives while the next heads are held (the pipelining cap), and
                // is decoded with the next; the input may end held
                decoder.hold((parts++ & 1) == 1);
                ch.writeInbound(part);
                while (drainRequests(ch, grammar, alloc)) {
                    // the decoder holds what follows an upgrade request until it is told the answer
                    if ((upgradeAnswers >>> (upgrades++ & 63) & 1) != 0) {
                        grammar.tunnel = true;
                        decoder.upgradeAccepted();
                    } else {
                        decoder.upgradeRefused();
                    }
                }
            }
            ch.finish();
            drainRequests(ch, grammar, alloc);
        } finally {
            ch.finishAndReleaseAll();
        }
        alloc.assertSomeMadeAndAllReleased();
    }

    @FuzzTest
    void responseDecoder(FuzzedDataProvider data) {
        int expected = data.consumeInt(0, 4);
        List<Http1Method> methods = new ArrayList<>();
        List<Boolean> decodeChunked = new ArrayList<>();
        Http1Method[] all = Http1Method.values();
        for (int i = 0; i < expected; i++) {
            methods.add(all[data.consumeInt(0, all.length - 1)]);
            decodeChunked.add(data.consumeBoolean());
        }
        int[] cuts = FuzzedWrites.cuts(data);
        byte[] input = data.consumeRemainingAsBytes();

        TrackingAllocator alloc = new TrackingAllocator();
        Http1ResponseDecoder decoder = new Http1ResponseDecoder(MAX_LINE, MAX_HEADER);
        for (int i = 0; i < methods.size(); i++) {
            decoder.expect(methods.get(i), decodeChunked.get(i));
        }
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(decoder);
        Grammar grammar = new Grammar(false);
        try {
            for (ByteBuf part : FuzzedWrites.split(alloc, input, cuts)) {
                ch.writeInbound(part);
                drainResponses(ch, grammar);
            }
            ch.finish();
            drainResponses(ch, grammar);
        } finally {
            ch.finishAndReleaseAll();
        }
        alloc.assertSomeMadeAndAllReleased();
    }

    /** Reads every message; true when the last head read asks for an upgrade answer. */
    private static boolean drainRequests(EmbeddedChannel ch, Grammar grammar, TrackingAllocator alloc) {
        for (Object m; (m = ch.readInbound()) != null; ) {
            try {
                grammar.accept(m);
                if (m instanceof RequestHead head) {
                    HeadRoundTrip.assertRequestSurvivesTheWriter(alloc, head);
                    grammar.upgradeRequested = head.isUpgrade() || head.isConnect();
                }
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
        // the answer is given once the request is complete, as the exchange does
        boolean answer = grammar.upgradeRequested && grammar.ended();
        if (answer) {
            grammar.upgradeRequested = false;
        }
        return answer;
    }

    private static void drainResponses(EmbeddedChannel ch, Grammar grammar) {
        for (Object m; (m = ch.readInbound()) != null; ) {
            try {
                grammar.accept(m);
                if (m instanceof ResponseHead head && head.framing() == Http1Framing.TUNNEL) {
                    grammar.tunnelAfterEnd = true;
                }
            } finally {
                ReferenceCountUtil.release(m);
            }
        }
    }

    /**
     * What may follow what: {@code (head content* end)*} then optionally a failure, after which
     * nothing; in a tunnel, content only.
     */
    private static final class Grammar {

        private final boolean request;
        private boolean inMessage;
        private boolean failed;
        boolean tunnel;
        boolean tunnelAfterEnd;
        boolean upgradeRequested;

        Grammar(boolean request) {
            this.request = request;
        }

        boolean ended() {
            return !inMessage && !failed;
        }

        void accept(Object m) {
            if (failed) {
                throw new AssertionError("a message after a decode failure: " + m);
            }
            if (m instanceof Http1DecodeFailure f) {
                if (f.status() < 400 || f.status() > 599 || !request && f.status() != 502) {
                    throw new AssertionError("a decode failure with status " + f.status() + ": " + f.reason());
                }
                failed = true;
            } else if (m instanceof Http1Head) {
                if (inMessage || tunnel) {
                    throw new AssertionError("a head inside a message or a tunnel");
                }
                if (request != (m instanceof RequestHead)) {
                    throw new AssertionError("a head of the wrong kind: " + m);
                }
                inMessage = true;
            } else if (m instanceof ByteBuf b) {
                if (!b.isReadable()) {
                    throw new AssertionError("an empty content buffer");
                }
                if (!inMessage && !tunnel) {
                    throw new AssertionError("content outside a message");
                }
            } else if (m instanceof Http1End) {
                if (!inMessage) {
                    throw new AssertionError("an end without a head");
                }
                inMessage = false;
                if (tunnelAfterEnd) {
                    tunnel = true;
                }
            } else {
                throw new AssertionError("an unexpected message " + m);
            }
        }
    }
}
