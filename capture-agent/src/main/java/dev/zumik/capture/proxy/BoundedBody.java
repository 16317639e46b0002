package dev.zumik.capture.proxy;

import io.vertx.core.buffer.Buffer;

/** A copy of a body for shaping, kept only up to a limit; past it the body is marked too large and the copy let go. */
final class BoundedBody {
    private final int limit;
    private Buffer copy = Buffer.buffer();
    private long size;
    private boolean overflowed;

    BoundedBody(final int limit) {
        this.limit = limit;
    }

    void add(final Buffer chunk) {
        size += chunk.length();
        if (overflowed) {
            return;
        }
        if (copy.length() + chunk.length() > limit) {
            overflowed = true;
            copy = Buffer.buffer();
            return;
        }
        copy.appendBuffer(chunk);
    }

    boolean overflowed() {
        return overflowed;
    }

    long size() {
        return size;
    }

    /** Bytes of the copy this holds. */
    long retained() {
        return copy.length();
    }

    byte[] bytes() {
        return copy.getBytes();
    }
}
