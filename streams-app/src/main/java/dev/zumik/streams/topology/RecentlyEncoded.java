package dev.zumik.streams.topology;

import java.util.Arrays;

/**
 * The last few accumulators this thread encoded, each with its bytes. The window store hands an
 * accumulator back as a copy of the bytes it was given moments before; when the bytes are equal, the
 * object they came from is returned instead of decoding them again. An object leaves the slots when
 * it is handed out, since its taker may change it, and an object is in one slot at most, so a slot's
 * object always matches its bytes.
 */
final class RecentlyEncoded<T> {
    private static final int SLOTS = 16;
    /** The thread whose encodings these are: the slots are not shared. */
    final Thread owner = Thread.currentThread();
    private final byte[][] bytes = new byte[SLOTS][];
    private final Object[] values = new Object[SLOTS];
    private int next;

    /**
     * The calling thread's instance. Stream threads and query threads share one serde; the last
     * caller's instance is found without a ThreadLocal lookup, which showed up in profiles.
     */
    static final class PerThread<T> {
        private final ThreadLocal<RecentlyEncoded<T>> all = ThreadLocal.withInitial(RecentlyEncoded::new);
        private volatile RecentlyEncoded<T> last;

        RecentlyEncoded<T> get() {
            final RecentlyEncoded<T> mine = last;
            if (mine != null && mine.owner == Thread.currentThread()) {
                return mine;
            }
            final RecentlyEncoded<T> found = all.get();
            last = found;
            return found;
        }
    }

    /** Remembers {@code value} as what {@code encoded} decodes to; returns {@code encoded}. */
    byte[] remember(final byte[] encoded, final T value) {
        // an object encoded twice keeps only its latest slot: once handed out and changed, no slot may still name it
        for (int i = 0; i < SLOTS; i++) {
            if (values[i] == value) {
                bytes[i] = null;
                values[i] = null;
            }
        }
        bytes[next] = encoded;
        values[next] = value;
        next = (next + 1) % SLOTS;
        return encoded;
    }

    /** The object whose encoding equals {@code encoded}, taken out of the slots; null if none. */
    @SuppressWarnings("unchecked")
    T take(final byte[] encoded) {
        for (int i = 0; i < SLOTS; i++) {
            final byte[] candidate = bytes[i];
            if (candidate != null && candidate.length == encoded.length && Arrays.equals(candidate, encoded)) {
                final T value = (T) values[i];
                bytes[i] = null;
                values[i] = null;
                return value;
            }
        }
        return null;
    }
}
