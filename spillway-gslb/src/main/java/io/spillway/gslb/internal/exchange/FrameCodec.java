package io.spillway.gslb.internal.exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.spillway.core.gslb.DomainReport;
import io.spillway.core.gslb.SiteReport;
import io.spillway.core.model.HostPort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * JSON body of one exchange frame, after the 4-byte length prefix has been taken off by the
 * frame decoder. Every frame is an object with the protocol version {@code v} and the message
 * {@code type}; a frame of another version, of an unknown type, or that is not JSON fails with a
 * {@link ProtocolException}. Unknown fields are ignored so that a later minor addition does not
 * break an older peer.
 */
public final class FrameCodec extends MessageToMessageCodec<ByteBuf, ExchangeMessage> {

    /**
     * Numbers with a fraction (response times, their history, CPU share) are read and written
     * with Jackson's fast double parser and writer: the JDK's {@code Double.parseDouble} was the
     * largest single cost of reading a report (and of its garbage), and the values are the same.
     */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private final int maxFrameBytes;
    private final ReportFrameReader.Known known;

    public FrameCodec(int maxFrameBytes) {
        this(maxFrameBytes, ReportFrameReader.Known.NOTHING);
    }

    /** @param known what the receiving side already holds: delta and snapshot entries of it are skipped unread */
    FrameCodec(int maxFrameBytes, ReportFrameReader.Known known) {
        this.maxFrameBytes = maxFrameBytes;
        this.known = known;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ExchangeMessage msg, List<Object> out) throws IOException {
        byte[] bytes = encode(msg);
        if (bytes.length > maxFrameBytes) {
            throw new IOException("refusing to send a " + bytes.length + "-byte " + msg.getClass().getSimpleName()
                    + " frame (limit " + maxFrameBytes + ")");
        }
        out.add(ctx.alloc().buffer(bytes.length).writeBytes(bytes));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame, known));
    }

    private static final byte[] VERSION_MEMBER =
            ("\"v\":" + ExchangeMessage.VERSION + ",").getBytes(StandardCharsets.US_ASCII);

    /**
     * The JSON bytes of a frame body (without the length prefix): the message object with the
     * version spliced in as its first member, which saves building a tree for every frame.
     */
    public static byte[] encode(ExchangeMessage msg) throws JsonProcessingException {
        byte[] body = JSON.writeValueAsBytes(msg);
        // body is a JSON object that starts with '{' and always holds at least "type"
        byte[] out = new byte[body.length + VERSION_MEMBER.length];
        out[0] = '{';
        System.arraycopy(VERSION_MEMBER, 0, out, 1, VERSION_MEMBER.length);
        System.arraycopy(body, 1, out, 1 + VERSION_MEMBER.length, body.length - 1);
        return out;
    }

    private static final byte[] DELTA_HEAD =
            ("{\"v\":" + ExchangeMessage.VERSION + ",\"type\":\"delta\",\"entries\":[").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_TAIL = "]}".getBytes(StandardCharsets.US_ASCII);

    /**
     * One delta entry's JSON, to be sent in a delta built by {@link #delta}: an entry relayed to
     * many links is encoded once, not once per link.
     */
    public static byte[] encodeEntry(ExchangeMessage.WireEntry entry) throws JsonProcessingException {
        return JSON.writeValueAsBytes(entry);
    }

    /** The body of a delta frame holding these encoded entries: the bytes {@link #encode} writes for it. */
    static ByteBuf delta(ByteBufAllocator alloc, List<byte[]> encodedEntries) {
        int size = DELTA_HEAD.length + DELTA_TAIL.length + Math.max(0, encodedEntries.size() - 1);
        for (byte[] e : encodedEntries) {
            size += e.length;
        }
        ByteBuf out = alloc.buffer(size);
        out.writeBytes(DELTA_HEAD);
        for (int i = 0; i < encodedEntries.size(); i++) {
            if (i > 0) {
                out.writeByte(',');
            }
            out.writeBytes(encodedEntries.get(i));
        }
        return out.writeBytes(DELTA_TAIL);
    }

    static ExchangeMessage decode(ByteBuf frame) {
        return decode(frame, ReportFrameReader.Known.NOTHING);
    }

    static ExchangeMessage decode(ByteBuf frame, ReportFrameReader.Known known) {
        if (startsWithVersion(frame)) {
            // the shape this codec writes: reports and deltas straight from the bytes; the rest
            // (and anything the streaming reader does not take) bound directly, without a tree
            ExchangeMessage hot = ReportFrameReader.read(JSON.getFactory(), frame, known);
            if (hot != null) {
                return hot;
            }
            try {
                return JSON.readValue((java.io.InputStream) new ByteBufInputStream(frame.duplicate()),
                        ExchangeMessage.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new ProtocolException("bad-frame", "bad frame: " + firstLine(e));
            }
        }
        JsonNode node;
        try {
            node = JSON.readTree((java.io.InputStream) new ByteBufInputStream(frame.duplicate()));
        } catch (IOException e) {
            throw new ProtocolException("bad-frame", "frame is not JSON: " + firstLine(e));
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException("bad-frame", "frame is not a JSON object");
        }
        JsonNode v = node.get("v");
        if (v == null || !v.canConvertToInt()) {
            throw new ProtocolException("bad-frame", "frame has no protocol version 'v'");
        }
        if (v.asInt() != ExchangeMessage.VERSION) {
            throw new ProtocolException("unsupported-version",
                    "protocol version " + v.asInt() + " is not supported (this side speaks " + ExchangeMessage.VERSION + ")");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new ProtocolException("bad-frame", "frame has no message 'type'");
        }
        try {
            return JSON.treeToValue(node, ExchangeMessage.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new ProtocolException("bad-frame", "bad '" + type.asText() + "' message: " + firstLine(e));
        }
    }

    /**
     * Builds Jackson's serializers and deserializers for every message now, on the calling
     * thread. Done lazily, the first frame would pay for the introspection of every message type
     * on an event loop: seconds on a cold, busy JVM, enough to miss handshake timeouts.
     */
    public static void prepare() {
        SiteReport report = new SiteReport("warm-up", "warm-up", 1, 1, 0, List.of(new DomainReport("warm.up", "v",
                new HostPort("127.0.0.1", 1), true, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1)));
        List<ExchangeMessage> samples = List.of(
                new ExchangeMessage.Hello("warm-up", "branch", ExchangeMessage.VERSION, HmacAuth.newNonce(),
                        new HostPort("127.0.0.1", 1)),
                new ExchangeMessage.Auth(new HmacAuth("warm-up").proof("dialer", "a", "b", "c", "d")),
                new ExchangeMessage.Report(report),
                new ExchangeMessage.Snapshot(List.of(new ExchangeMessage.WireEntry(report, 0, false)), true),
                new ExchangeMessage.Delta(List.of(new ExchangeMessage.WireEntry(report, 0, false))),
                new ExchangeMessage.Peers(List.of(new ExchangeMessage.PeerAddress("warm-up", new HostPort("127.0.0.1", 1)))),
                new ExchangeMessage.Poll(),
                new ExchangeMessage.ResolveRequest(1, "warm.up", null),
                new ExchangeMessage.ResolveAnswer(1, "warm.up", null, null, 0),
                new ExchangeMessage.Heartbeat(),
                new ExchangeMessage.Error("warm-up", "warm-up"));
        for (ExchangeMessage m : samples) {
            try {
                ByteBuf frame = Unpooled.wrappedBuffer(encode(m));
                decode(frame);
            } catch (IOException e) {
                throw new IllegalStateException("exchange messages cannot be encoded", e);
            }
        }
        decode(Unpooled.copiedBuffer("{\"type\":\"heartbeat\",\"v\":1}", StandardCharsets.UTF_8));
    }

    private static boolean startsWithVersion(ByteBuf frame) {
        int n = VERSION_MEMBER.length;
        if (frame.readableBytes() < n + 2 || frame.getByte(frame.readerIndex()) != '{') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (frame.getByte(frame.readerIndex() + 1 + i) != VERSION_MEMBER[i]) {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 200 ? m.substring(0, 200) : m;
    }
}
