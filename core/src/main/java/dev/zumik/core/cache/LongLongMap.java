package dev.zumik.core.cache;

import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A map from long to long without boxing, for the cache models' hot paths: open addressing with
 * linear probing and backward-shift deletion (no tombstones), at most half full. Keys and values
 * sit side by side in one array, so a probe touches one cache line rather than one per array: the
 * simulation's maps outgrow the CPU caches and each lookup is a memory access. A {@link #keysOnly}
 * map is a set: it keeps no values (each reads as 0) and takes half the memory. Not thread-safe.
 */
final class LongLongMap {
    /** Marks a free slot; an entry whose key is this value itself lives outside the table. */
    private static final long FREE = Long.MIN_VALUE;

    /** key, value, key, value, ... (or key, key, ... when keys only) */
    private long[] table;
    /** Slot i's key is at {@code i << shift}, its value after it: 1 with values, 0 for keys only. */
    private final int shift;
    private int tableSize;
    private boolean hasFreeKey;
    private long freeKeyValue;

    LongLongMap() {
        this(32, 1);
    }

    private LongLongMap(final int capacity, final int shift) {
        this.shift = shift;
        table = emptyTable(slotsFor(capacity));
    }

    /** A power of two of at least 16 slots that holds {@code entries} at most half full. */
    private static int slotsFor(final int entries) {
        return Integer.highestOneBit(Math.max(16, entries * 2 - 1)) << 1;
    }

    /** A set of longs: {@link #put} keeps the key only and {@link #get} gives 0 for a key present. */
    static LongLongMap keysOnly() {
        return new LongLongMap(32, 0);
    }

    private long[] emptyTable(final int slots) {
        final long[] t = new long[slots << shift];
        Arrays.fill(t, FREE);
        return t;
    }

    private long valueAt(final int slot) {
        return shift == 0 ? 0 : table[(slot << 1) + 1];
    }

    private void setValue(final int slot, final long value) {
        if (shift != 0) {
            table[(slot << 1) + 1] = value;
        }
    }

    int size() {
        return tableSize + (hasFreeKey ? 1 : 0);
    }

    private static int home(final long key, final int mask) {
        final long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private int mask() {
        return (table.length >> shift) - 1;
    }

    /** The slot holding {@code key} (not FREE), or -1. */
    private int slotOf(final long key) {
        final int mask = mask();
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            final long k = table[i << shift];
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
        return i < 0 ? absent : valueAt(i);
    }

    void put(final long key, final long value) {
        put(key, value, 0);
    }

    /** Sets {@code key} to {@code value}; returns the value it had, or {@code absent}. */
    long put(final long key, final long value, final long absent) {
        if (key == FREE) {
            final long old = hasFreeKey ? freeKeyValue : absent;
            hasFreeKey = true;
            freeKeyValue = shift == 0 ? 0 : value;
            return old;
        }
        final int mask = mask();
        int i = home(key, mask);
        for (long k = table[i << shift]; k != FREE; k = table[i << shift]) {
            if (k == key) {
                final long old = valueAt(i);
                setValue(i, value);
                return old;
            }
            i = (i + 1) & mask;
        }
        table[i << shift] = key;
        setValue(i, value);
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
        final int slot = slotOf(key);
        if (slot >= 0) {
            removeAt(slot);
        }
    }

    /** Empties slot {@code hole}, moving later entries of its cluster back so that each stays reachable from its home. */
    private void removeAt(final int slot) {
        int hole = slot;
        final int mask = mask();
        for (int j = (hole + 1) & mask; table[j << shift] != FREE; j = (j + 1) & mask) {
            final int want = home(table[j << shift], mask);
            final boolean movable = hole <= j ? (want <= hole || want > j) : (want <= hole && want > j);
            if (movable) {
                table[hole << shift] = table[j << shift];
                setValue(hole, valueAt(j));
                hole = j;
            }
        }
        table[hole << shift] = FREE;
        tableSize--;
    }

    void clear() {
        Arrays.fill(table, FREE);
        tableSize = 0;
        hasFreeKey = false;
    }

    /** Calls {@code action} for every entry; the map must not change meanwhile. */
    void forEach(final Entry action) {
        for (int slot = 0; slot <= mask(); slot++) {
            if (table[slot << shift] != FREE) {
                action.accept(table[slot << shift], valueAt(slot));
            }
        }
        if (hasFreeKey) {
            action.accept(FREE, freeKeyValue);
        }
    }

    /** Writes every key (and its value when {@code withValues}), in slot order. */
    void writeTo(final DataOutput out, final boolean withValues) throws IOException {
        for (int slot = 0; slot <= mask(); slot++) {
            if (table[slot << shift] != FREE) {
                writeEntry(out, table[slot << shift], valueAt(slot), withValues);
            }
        }
        if (hasFreeKey) {
            writeEntry(out, FREE, freeKeyValue, withValues);
        }
    }

    private static void writeEntry(final DataOutput out, final long key, final long value, final boolean withValues)
            throws IOException {
        out.writeLong(key);
        if (withValues) {
            out.writeLong(value);
        }
    }

    /**
     * Removes the entries {@code test} accepts in one sweep of the table, in place: a removal moves
     * only neighbouring entries, so the sweep reads memory in order, where rebuilding the table around
     * the entries kept would put each of them into a new table at random. The table keeps its size
     * unless it has become four times what the entries left need.
     */
    void removeIf(final EntryTest test) {
        if (hasFreeKey && test.test(FREE, freeKeyValue)) {
            hasFreeKey = false;
        }
        final int mask = mask();
        // start after a free slot (the table is at most half full): a removal moves entries back within their
        // cluster, never across a free slot, so one turn from there meets each entry once
        int start = 0;
        while (table[start << shift] != FREE) {
            start++;
        }
        int i = (start + 1) & mask;
        for (int visited = 0; visited <= mask; ) {
            final long key = table[i << shift];
            if (key != FREE && test.test(key, valueAt(i))) {
                removeAt(i);   // an entry not yet met may have moved into slot i: look at it again
            } else {
                i = (i + 1) & mask;
                visited++;
            }
        }
        if (slotsFor(2 * tableSize) * 2 <= mask + 1) {
            rehash(slotsFor(2 * tableSize));
        }
    }

    /** Moves every entry into a new table of {@code slots} slots. */
    private void rehash(final int slots) {
        final long[] old = table;
        table = emptyTable(slots);
        tableSize = 0;
        for (int i = 0; i < old.length; i += 1 << shift) {
            if (old[i] != FREE) {
                put(old[i], shift == 0 ? 0 : old[i + 1]);
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
