package dev.zumik.replay.schedule;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/** Live counters of a replay, read by a progress bar or a log line while it runs. */
public final class Progress {
    private final long total;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final LongAccumulator maxLagNanos = new LongAccumulator(Math::max, 0);
    private final LongAccumulator maxInFlight = new LongAccumulator(Math::max, 0);

    public Progress(final long total) {
        this.total = total;
    }

    void sent(final long lagNanos) {
        maxInFlight.accumulate(sent.incrementAndGet() - completed.get());
        maxLagNanos.accumulate(lagNanos);
    }

    void completed(final boolean ok) {
        completed.incrementAndGet();
        if (!ok) {
            failed.incrementAndGet();
        }
    }

    public long total() {
        return total;
    }

    public long sent() {
        return sent.get();
    }

    public long completed() {
        return completed.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Most requests sent and not yet answered at once. */
    public long maxInFlight() {
        return maxInFlight.get();
    }

    public double maxLagMillis() {
        return maxLagNanos.get() / 1e6;
    }

    public String line() {
        return String.format("sent %d/%d, completed %d (%d failed), max lag %.1f ms", sent(), total, completed(), failed(), maxLagMillis());
    }
}
