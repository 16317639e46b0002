package dev.zumik.capture.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes every exchange's body copies may hold together, from the first chunk copied until the
 * exchange has been shaped (or turned out not to be): in flight, waiting and being shaped alike. A
 * burst of large bodies (base64 images, long contexts) then costs parsed shapes, never the proxy's memory.
 */
final class BodyCopyBudget {
    private final long maxBytes;
    private final AtomicLong held = new AtomicLong();

    BodyCopyBudget(final long maxBytes, final MeterRegistry meters) {
        this.maxBytes = maxBytes;
        meters.gauge("zumik_capture_body_copies_bytes", held);
    }

    /** Takes {@code bytes} if they fit; never blocks. */
    boolean tryTake(final long bytes) {
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

    void giveBack(final long bytes) {
        held.addAndGet(-bytes);
    }

    long held() {
        return held.get();
    }
}
