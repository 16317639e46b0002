package dev.zumik.core.tokens;

import java.util.Arrays;

/**
 * Token ids as a tokenizer appends them: a growable array that a shaping thread clears and fills again for each
 * prompt, so that a long prompt's ids (tens of KB) are not allocated, and copied to an exact-size array, every time.
 */
public final class TokenIds {
    /** Grown by the tokenizer to about a third of a text's chars ({@link #expect}), then by doubling. */
    private int[] ids = new int[64];
    private int size;

    public void add(final int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
        }
        ids[size++] = id;
    }

    public void addAll(final int[] more) {
        if (size + more.length > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(size + more.length, size * 2));
        }
        System.arraycopy(more, 0, ids, size, more.length);
        size += more.length;
    }

    public int size() {
        return size;
    }

    /** The ids so far are its first {@link #size()} elements; valid until the next change. */
    public int[] array() {
        return ids;
    }

    /** Makes room for at least {@code expected} ids without copying the ones held (they are kept). */
    void expect(final int expected) {
        if (expected > ids.length) {
            ids = Arrays.copyOf(ids, expected);
        }
    }

    public int capacity() {
        return ids.length;
    }

    public void clear() {
        size = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
