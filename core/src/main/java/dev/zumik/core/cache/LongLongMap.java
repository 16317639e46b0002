package dev.zumik.core.cache;

import java.util.Arrays;

/**
 * A map from long to long without boxing, for the cache models' hot paths: open addressing with
 * linear probing and backward-shift deletion (no tombstones), at most half full. Keys and values
 * sit side by side in one array, so a probe touches one cache line rather than one per array: the
 * simulation's maps outgrow the CPU caches and each lookup is a memory access. Not thread-safe.
 */
final class LongLongMap {
    /** Marks a free slot; an entry whose key is this value itself lives outside the table. */
    private static final long FREE = Long.MIN_VALUE;

    /** key, value, key, value, ... */
    private long[] table;
    private int tableSize;
    private boolean hasFreeKey;
    private long freeKeyValue;

    LongLongMap() {
        this(32);
    }

    LongLongMap(final int capacity) {
        table = emptyTable(Integer.highestOneBit(Math.max(16, capacity * 2 - 1)) << 1);
    }

    private static long[] emptyTable(final int slots) {
        final long[] t = new long[2 * slots];
        Arrays.fill(t, FREE);
        return t;
    }

    int size() {
        return tableSize + (hasFreeKey ? 1 : 0);
    }

    private static int home(final long key, final int mask) {
        final long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private int mask() {
        return (table.length >> 1) - 1;
    }

    /** The slot holding {@code key} (not FREE), or -1. */
    private int slotOf(final long key) {
        final int mask = mask();
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            final long k = table[i << 1];
            if (k == key) {
                return i;
            }
            if (k == FREE) {
                return -1;
            }
        }
    }

    boolean containsKey(final long key) {
        return key == FREE ? hasFreeKey : slotOf(key) >= 0;
    }

    /** The value of {@code key}, or {@code absent}. */
    long get(final long key, final long absent) {
        if (key == FREE) {
            return hasFreeKey ? freeKeyValue : absent;
        }
        final int i = slotOf(key);
        return i < 0 ? absent : table[(i << 1) + 1];
    }

    void put(final long key, final long value) {
        put(key, value, 0);
    }

    /** Sets {@code key} to {@code value}; returns the value it had, or {@code absent}. */
    long put(final long key, final long value, final long absent) {
        if (key == FREE) {
            final long old = hasFreeKey ? freeKeyValue : absent;
            hasFreeKey = true;
            freeKeyValue = value;
            return old;
        }
        final int mask = mask();
        int i = home(key, mask);
        for (long k = table[i << 1]; k != FREE; k = table[i << 1]) {
            if (k == key) {
                final long old = table[(i << 1) + 1];
                table[(i << 1) + 1] = value;
                return old;
            }
            i = (i + 1) & mask;
        }
        table[i << 1] = key;
        table[(i << 1) + 1] = value;
        if (++tableSize * 2 > mask + 1) {
            rehash((mask + 1) * 2);
        }
        return absent;
    }

    void remove(final long key) {
        if (key == FREE) {
            hasFreeKey = false;
            return;
        }
        int hole = slotOf(key);
        if (hole < 0) {
            return;
        }
        final int mask = mask();
        for (int j = (hole + 1) & mask; table[j << 1] != FREE; j = (j + 1) & mask) {
            final int want = home(table[j << 1], mask);
            final boolean movable = hole <= j ? (want <= hole || want > j) : (want <= hole && want > j);
            if (movable) {
                table[hole << 1] = table[j << 1];
                table[(hole << 1) + 1] = table[(j << 1) + 1];
                hole = j;
            }
        }
        table[hole << 1] = FREE;
        tableSize--;
    }

    void clear() {
        Arrays.fill(table, FREE);
        tableSize = 0;
        hasFreeKey = false;
    }

    /** Calls {@code action} for every entry; the map must not change meanwhile. */
    void forEach(final Entry action) {
        for (int i = 0; i < table.length; i += 2) {
            if (table[i] != FREE) {
                action.accept(table[i], table[i + 1]);
            }
        }
        if (hasFreeKey) {
            action.accept(FREE, freeKeyValue);
        }
    }

    /** Writes every key (and its value when {@code withValues}), in slot order. */
    void writeTo(final java.io.DataOutput out, final boolean withValues) throws java.io.IOException {
        for (int i = 0; i < table.length; i += 2) {
            if (table[i] != FREE) {
                writeEntry(out, table[i], table[i + 1], withValues);
            }
        }
        if (hasFreeKey) {
            writeEntry(out, FREE, freeKeyValue, withValues);
        }
    }

    private static void writeEntry(final java.io.DataOutput out, final long key, final long value, final boolean withValues)
            throws java.io.IOException {
        out.writeLong(key);
        if (withValues) {
            out.writeLong(value);
        }
    }

    /** Removes the entries {@code test} accepts. */
    void removeIf(final EntryTest test) {
        final long[] doomed = new long[size()];
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

    private void rehash(final int slots) {
        final long[] old = table;
        table = emptyTable(slots);
        tableSize = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != FREE) {
                put(old[i], old[i + 1]);
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
