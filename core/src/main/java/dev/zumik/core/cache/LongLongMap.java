package dev.zumik.core.cache;

import java.util.Arrays;

/**
 * A map from long to long without boxing, for the cache models' hot paths: open addressing with
 * linear probing and backward-shift deletion (no tombstones), at most half full. Not thread-safe.
 */
final class LongLongMap {
    private long[] keys;
    private long[] values;
    private boolean[] used;
    private int size;

    LongLongMap() {
        this(32);
    }

    LongLongMap(final int capacity) {
        final int n = Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1;
        keys = new long[n];
        values = new long[n];
        used = new boolean[n];
    }

    int size() {
        return size;
    }

    private static int home(final long key, final int mask) {
        final long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private int slotOf(final long key) {
        final int mask = keys.length - 1;
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            if (!used[i]) {
                return -1;
            }
            if (keys[i] == key) {
                return i;
            }
        }
    }

    boolean containsKey(final long key) {
        return slotOf(key) >= 0;
    }

    /** The value of {@code key}, or {@code absent}. */
    long get(final long key, final long absent) {
        final int i = slotOf(key);
        return i < 0 ? absent : values[i];
    }

    void put(final long key, final long value) {
        final int mask = keys.length - 1;
        int i = home(key, mask);
        while (used[i]) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
            rehash(keys.length * 2);
        }
    }

    void remove(final long key) {
        int hole = slotOf(key);
        if (hole < 0) {
            return;
        }
        final int mask = keys.length - 1;
        for (int j = (hole + 1) & mask; used[j]; j = (j + 1) & mask) {
            final int want = home(keys[j], mask);
            final boolean movable = hole <= j ? (want <= hole || want > j) : (want <= hole && want > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        used[hole] = false;
        size--;
    }

    void clear() {
        Arrays.fill(used, false);
        size = 0;
    }

    /** Calls {@code action} for every entry; the map must not change meanwhile. */
    void forEach(final Entry action) {
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                action.accept(keys[i], values[i]);
            }
        }
    }

    /** Writes every key (and its value when {@code withValues}), in slot order. */
    void writeTo(final java.io.DataOutput out, final boolean withValues) throws java.io.IOException {
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                out.writeLong(keys[i]);
                if (withValues) {
                    out.writeLong(values[i]);
                }
            }
        }
    }

    /** Removes the entries {@code test} accepts. */
    void removeIf(final EntryTest test) {
        final long[] doomed = new long[size];
        final int[] count = {0};
        forEach((k, v) -> {
            if (test.test(k, v)) {
                doomed[count[0]++] = k;
            }
        });
        for (int i = 0; i < count[0]; i++) {
            remove(doomed[i]);
        }
    }

    private void rehash(final int capacity) {
        final long[] oldKeys = keys;
        final long[] oldValues = values;
        final boolean[] oldUsed = used;
        keys = new long[capacity];
        values = new long[capacity];
        used = new boolean[capacity];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldUsed[i]) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    interface Entry {
        void accept(long key, long value);
    }

    interface EntryTest {
        boolean test(long key, long value);
    }
}
