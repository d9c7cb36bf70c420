package io.spillway.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.spillway.proxy.internal.http1.Http1End;
import io.spillway.proxy.internal.http1.Http1RequestDecoder;
import io.spillway.proxy.internal.http1.RequestHead;
import io.spillway.proxy.internal.http1.RequestHeadParser;
import io.spillway.proxy.internal.http1.RequestHeadWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A typical browser request head (about 400 octets, 10 fields) decoded from a pooled direct
 * buffer, as a socket read leaves it: Spillway's in-place codec against Netty's
 * {@code HttpRequestDecoder} on the same bytes, both in an {@code EmbeddedChannel}; plus the
 * parser alone and the parser with the forwarding writer (what the proxy does per request). Run
 * with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes allocated per request head;
 * {@code baseline} is the part of the time that is the harness's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class Http1HeadBenchmark {

    static final String HEAD = "GET /catalog/item?id=12345&ref=home HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
            + "Accept-Language: en-US,en;q=0.5\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Referer: https://shop.example.com/\r\n"
            + "Cookie: session=7f3a9c2e41b8; theme=dark\r\n"
            + "Connection: keep-alive\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "\r\n";

    private ByteBuf input;
    private EmbeddedChannel spillway;
    private EmbeddedChannel netty;
    private RequestHeadParser parser;
    private RequestHead head;
    private RequestHeadWriter writer;

    @Setup
    public void setup() {
        byte[] bytes = HEAD.getBytes(StandardCharsets.US_ASCII);
        input = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        spillway = new EmbeddedChannel(new Http1RequestDecoder(8192, 8192, true));
        netty = new EmbeddedChannel(new HttpRequestDecoder());
        parser = new RequestHeadParser(8192, 8192);
        head = new RequestHead();
        writer = new RequestHeadWriter("192.0.2.7", "http", 80);
    }

    @TearDown
    public void tearDown() {
        spillway.finishAndReleaseAll();
        netty.finishAndReleaseAll();
        input.release();
    }

    /**
     * The input, unread again and retained once more for the decoder to release, as a socket read
     * hands it over (a duplicate would add an object per operation that a real read does not).
     */
    private ByteBuf fresh() {
        return input.readerIndex(0).retain();
    }

    /** What every benchmark here pays to hand the decoders the input. */
    @Benchmark
    public int baseline() {
        ByteBuf in = fresh();
        int readable = in.readableBytes();
        in.release();
        return readable;
    }

    @Benchmark
    public Object spillwayDecoder() {
        spillway.writeInbound(fresh());
        RequestHead h = spillway.readInbound();
        Http1End end = spillway.readInbound();
        Object method = h.method();
        h.release();
        end.release();
        return method;
    }

    @Benchmark
    public Object nettyDecoder() {
        netty.writeInbound(fresh());
        HttpRequest request = netty.readInbound();
        LastHttpContent end = netty.readInbound();
        Object method = request.method();
        ReferenceCountUtil.release(request);
        end.release();
        return method;
    }

    @Benchmark
    public Object spillwayParser() {
        ByteBuf in = fresh();
        parser.parse(in, head);
        in.release();
        Object method = head.method();
        head.release();
        return method;
    }

    @Benchmark
    public int spillwayParserAndWriter() {
        ByteBuf in = fresh();
        parser.parse(in, head);
        in.release();
        ByteBuf out = writer.write(PooledByteBufAllocator.DEFAULT, head);
        int length = out.readableBytes();
        out.release();
        head.release();
        return length;
    }
}
