package dev.zumik.capture.proxy;

import dev.zumik.capture.ByteBudget;
import io.vertx.core.buffer.Buffer;
import java.util.Optional;

/**
 * A copy of a body for shaping, kept only up to a limit and while the budget of all body copies (in
 * flight, waiting and being shaped) has room; past either the body is marked unreadable, with the
 * reason, and its copy let go at once.
 */
final class BoundedBody {
    /** A body longer than the parse limit. */
    static final String TOO_LARGE = "too_large";
    /** All body copies together reached the budget. */
    static final String NO_BUDGET = "shaping_backlog";

    private final int limit;
    private final ByteBudget budget;
    private Buffer copy = Buffer.buffer();
    private long size;
    private String unreadable;
    /** Set on the event loop when the exchange finishes: a shaping worker may be reading the copy. */
    private boolean sealed;
    private boolean released;

    BoundedBody(final int limit, final ByteBudget budget) {
        this.limit = limit;
        this.budget = budget;
    }

    void add(final Buffer chunk) {
        size += chunk.length();
        if (unreadable != null || sealed) {
            return;
        }
        if (copy.length() + chunk.length() > limit) {
            giveUp(TOO_LARGE);
        } else if (!budget.tryTake(chunk.length())) {
            giveUp(NO_BUDGET);
        } else {
            copy.appendBuffer(chunk);
        }
    }

    private void giveUp(final String reason) {
        unreadable = reason;
        budget.giveBack(copy.length());
        copy = Buffer.buffer();
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

    byte[] bytes() {
        return copy.getBytes();
    }

    /** Copies no more chunks (a request can still be sending when its response has ended). Event loop only. */
    void seal() {
        sealed = true;
    }

    /** Lets the copy go, giving its bytes back to the budget. Once sealed; idempotent. */
    void release() {
        if (!released) {
            released = true;
            budget.giveBack(copy.length());
            copy = Buffer.buffer();
        }
    }
}
