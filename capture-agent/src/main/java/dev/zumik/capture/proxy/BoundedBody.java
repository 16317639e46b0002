package dev.zumik.capture.proxy;

import dev.zumik.capture.ByteBudget;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.VertxHeapByteBuf;
import io.vertx.core.buffer.impl.VertxUnsafeHeapByteBuf;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.Arrays;
import java.util.Optional;

/**
 * A copy of a body for shaping, kept only up to a limit and while the budget of all body copies (in
 * flight, waiting and being shaped) has room; past either the body is marked unreadable, with the
 * reason, and its copy let go at once. A body that comes as one chunk is not copied at all: Vert.x hands each chunk
 * over as its own heap copy of what it read, which nothing else writes or frees, and that array is kept as it is.
 */
final class BoundedBody {
    /** A body longer than the parse limit. */
    static final String TOO_LARGE = "too_large";
    /** All body copies together reached the budget. */
    static final String NO_BUDGET = "shaping_backlog";

    private static final byte[] NONE = new byte[0];
    /** First capacity of a copy whose length was not declared. */
    private static final int FIRST_CAPACITY = 1024;

    private final int limit;
    private final ByteBudget budget;
    /** The copy's first {@code length} bytes; its whole capacity is held against the budget. */
    private byte[] copy = NONE;
    private int length;
    /** The declared length, when within the limit: what a copy is sized to once a second chunk comes. */
    private int declared;
    private long size;
    private String unreadable;
    /** Set on the event loop when the exchange finishes: a shaping worker may be reading the copy. */
    private boolean sealed;
    private boolean released;

    BoundedBody(final int limit, final ByteBudget budget) {
        this.limit = limit;
        this.budget = budget;
    }

    /**
     * Notes the declared length (a {@code content-length} header, or null), so that a body that comes in several chunks
     * is copied once into an array of its size, not into one that doubles as it comes and is copied again at the end.
     */
    void expect(final String contentLength) {
        if (contentLength == null) {
            return;
        }
        try {
            final long length = Long.parseLong(contentLength.trim());
            declared = length > 0 && length <= limit ? (int) length : 0;
        } catch (final NumberFormatException e) {
            // not ours to judge: the body is copied as it comes
        }
    }

    void add(final Buffer chunk) {
        final int n = chunk.length();
        size += n;
        if (unreadable != null || sealed) {
            return;
        }
        if (length + n > limit) {
            giveUp(TOO_LARGE);
            return;
        }
        if (n > 0 && length == 0 && copy == NONE) {
            final byte[] own = ownArray(chunk);
            if (own != null) {
                if (!budget.tryTake(own.length)) {
                    giveUp(NO_BUDGET);
                    return;
                }
                copy = own;
                length = own.length;
                return;
            }
        }
        // a kept chunk's array is full, so it is never written to: the next chunk moves the body to a copy
        final int wanted = Math.max(length + n, Math.max(declared, Math.max(FIRST_CAPACITY, copy.length * 2)));
        if (length + n > copy.length && !grow(Math.min(limit, wanted))) {
            giveUp(NO_BUDGET);
            return;
        }
        chunk.getBytes(0, n, copy, length);
        length += n;
    }

    /**
     * The array that holds exactly this chunk when the chunk is Vert.x's own heap copy of bytes it read (see its
     * {@code VertxHandler.safeBuffer}): nothing else writes to it or frees it. Null for any other buffer, which is copied.
     */
    private static byte[] ownArray(final Buffer chunk) {
        if (!(chunk instanceof BufferInternal internal)) {
            return null;
        }
        final ByteBuf view = internal.getByteBuf();
        final ByteBuf root = view.unwrap() == null ? view : view.unwrap();
        final boolean vertxOwn = root.getClass() == VertxUnsafeHeapByteBuf.class || root.getClass() == VertxHeapByteBuf.class;
        if (!vertxOwn || !view.hasArray() || view.arrayOffset() + view.readerIndex() != 0 || view.readableBytes() != view.array().length) {
            return null;
        }
        return view.array();
    }

    /** Moves the copy to an array of {@code capacity} if the budget has room for the difference. */
    private boolean grow(final int capacity) {
        if (!budget.tryTake(capacity - copy.length)) {
            return false;
        }
        copy = Arrays.copyOf(copy, capacity);
        return true;
    }

    private void giveUp(final String reason) {
        unreadable = reason;
        letGo();
    }

    private void letGo() {
        budget.giveBack(copy.length);
        copy = NONE;
        length = 0;
    }

    boolean overflowed() {
        return unreadable != null;
    }

    /** Why the body cannot be read, if it cannot. */
    Optional<String> unreadable() {
        return Optional.ofNullable(unreadable);
    }

    long size() {
        return size;
    }

    /** The copied body; the array itself when the body filled it, as a declared length lets it. After {@link #seal} only. */
    byte[] bytes() {
        return length == copy.length ? copy : Arrays.copyOf(copy, length);
    }

    /** Copies no more chunks (a request can still be sending when its response has ended). Event loop only. */
    void seal() {
        sealed = true;
    }

    /** Lets the copy go, giving its bytes back to the budget. Once sealed; idempotent. */
    void release() {
        if (!released) {
            released = true;
            letGo();
        }
    }
}
