package io.spillway.proxy.internal.http1;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.spillway.testing.TrackingAllocator;

/**
 * Coverage-guided fuzzing of the head writers: any octets the parsers accept as a head are
 * written and parsed again ({@link HeadRoundTrip}); the writer must make a head the parser
 * accepts and that means the same, and every buffer is released.
 */
class HeadWritersFuzzTest {

    @FuzzTest
    void requestHeadRoundTrip(FuzzedDataProvider data) {
        int maxLine = data.consumeInt(16, 2048);
        byte[] input = data.consumeRemainingAsBytes();
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf in = alloc.heapBuffer(input.length).writeBytes(input);
        RequestHead head = new RequestHead();
        boolean parsed;
        try {
            parsed = new RequestHeadParser(maxLine, 4096).parse(in, head);
        } catch (Http1Exception e) {
            assertRefusal(e);
            parsed = false;
        }
        in.release();
        if (parsed) {
            try {
                HeadRoundTrip.assertRequestSurvivesTheWriter(alloc, head);
            } finally {
                head.release();
            }
        }
        alloc.assertSomeMadeAndAllReleased();
    }

    @FuzzTest
    void responseHeadRoundTrip(FuzzedDataProvider data) {
        Http1Method[] methods = Http1Method.values();
        Http1Method method = methods[data.consumeInt(0, methods.length - 1)];
        Http1Version clientVersion = data.consumeBoolean() ? Http1Version.HTTP_1_1 : Http1Version.HTTP_1_0;
        boolean clientKeepAlive = data.consumeBoolean();
        byte[] input = data.consumeRemainingAsBytes();
        TrackingAllocator alloc = new TrackingAllocator();
        ByteBuf in = alloc.heapBuffer(input.length).writeBytes(input);
        ResponseHead head = new ResponseHead();
        boolean parsed;
        try {
            parsed = new ResponseHeadParser(2048, 4096).parse(in, head, method);
        } catch (Http1Exception e) {
            assertRefusal(e);
            parsed = false;
        }
        in.release();
        if (parsed) {
            try {
                HeadRoundTrip.assertResponseSurvivesTheWriter(alloc, head, clientVersion, clientKeepAlive);
            } finally {
                head.release();
            }
        }
        alloc.assertSomeMadeAndAllReleased();
    }

    private static void assertRefusal(Http1Exception e) {
        if (e.status() < 400 || e.status() > 599) {
            throw new AssertionError("a refusal with status " + e.status() + ": " + e.getMessage());
        }
    }
}
