package io.spillway.testing;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it made, so that a test (a fuzz test above all, where
 * the leak detector's GC-driven reports come too late to name the input) can check at once that
 * all were released. One per test input; not thread-safe.
 */
public final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> made = new ArrayList<>();

    public TrackingAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        made.add(b);
        return b;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        ByteBuf b = new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
        made.add(b);
        return b;
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    /** A heap buffer holding {@code bytes}. */
    public ByteBuf of(byte[] bytes) {
        return heapBuffer(bytes.length).writeBytes(bytes);
    }

    /** A heap buffer holding {@code ascii} as ISO-8859-1 octets. */
    public ByteBuf of(String ascii) {
        return of(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Like {@link #assertAllReleased()}, and fails as well when the test made no buffer here at all. */
    public void assertSomeMadeAndAllReleased() {
        if (made.isEmpty()) {
            throw new AssertionError("the test made no buffer with its allocator");
        }
        assertAllReleased();
    }

    /** Throws an AssertionError naming the first buffer made here and not released. */
    public void assertAllReleased() {
        for (int i = 0; i < made.size(); i++) {
            ByteBuf b = made.get(i);
            if (b.refCnt() != 0) {
                throw new AssertionError("buffer " + (i + 1) + " of " + made.size() + " made by the test's allocator"
                        + " was not released (refCnt " + b.refCnt() + ", capacity " + b.capacity() + ")");
            }
        }
    }
}
