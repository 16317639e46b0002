package dev.zumik.capture;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that may be held at once, taken and given back from any thread without blocking: the shape
 * queue's bound, and the bound of the body copies kept for shaping. What is held is a gauge.
 */
public final class ByteBudget {
    private final long maxBytes;
    private final AtomicLong held = new AtomicLong();

    public ByteBudget(final long maxBytes, final MeterRegistry meters, final String gauge) {
        this.maxBytes = maxBytes;
        meters.gauge(gauge, held);
    }

    /** Takes {@code bytes} if they fit; never blocks. */
    public boolean tryTake(final long bytes) {
        while (true) {
            final long current = held.get();
            if (current + bytes > maxBytes) {
                return false;
            }
            if (held.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    /** Whether {@code bytes} would fit now (another thread may take them first). */
    public boolean hasRoomFor(final long bytes) {
        return held.get() + bytes <= maxBytes;
    }

    public void giveBack(final long bytes) {
        held.addAndGet(-bytes);
    }

    public long max() {
        return maxBytes;
    }
}
