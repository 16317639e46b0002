package dev.zumik.core.cache;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The ideal cache: infinite capacity, nothing ever evicted or expired. Its hit ratio bounds every other model's.
 * It only grows, so its snapshots go in increments ({@link #saveAdditions}): the blocks added since the last one.
 */
public final class InfiniteCache implements PrefixCache {
    /** What {@link LongLongMap#put} returns for a key it did not hold (a keys-only map gives 0 for one it did). */
    private static final long NEW = -1;

    private final LongLongMap seen = LongLongMap.keysOnly();
    /** Blocks added since the last {@link #saveAdditions}; not kept until it is first called, so offline runs do not pay for it. */
    private long[] added;
    private int addedCount;

    @Override
    public PrefixHit access(final long[] blockHashes, final long nowMillis) {
        int hit = 0;
        while (hit < blockHashes.length && seen.containsKey(blockHashes[hit])) {
            hit++;
        }
        // the leading hits are held already
        for (int i = hit; i < blockHashes.length; i++) {
            if (seen.put(blockHashes[i], 0, NEW) == NEW && added != null) {
                if (addedCount == added.length) {
                    added = Arrays.copyOf(added, Math.max(1024, addedCount * 2));
                }
                added[addedCount++] = blockHashes[i];
            }
        }
        return new PrefixHit(new int[] {hit});
    }

    @Override
    public void save(final DataOutput out) throws IOException {
        out.writeInt(seen.size());
        seen.writeTo(out, false);
    }

    @Override
    public void load(final DataInput in) throws IOException {
        seen.clear();
        added = null;
        addedCount = 0;
        final int size = in.readInt();
        for (int i = 0; i < size; i++) {
            seen.put(in.readLong(), 0);
        }
    }

    /** Nothing: every block held is in the additions. */
    @Override
    public void saveBase(final DataOutput out) {
    }

    @Override
    public void loadBase(final DataInput in) {
        seen.clear();
        startAdditions();
    }

    @Override
    public void saveAdditions(final DataOutput out, final boolean all) throws IOException {
        if (all || added == null) {
            save(out);
        } else {
            out.writeInt(addedCount);
            for (int i = 0; i < addedCount; i++) {
                out.writeLong(added[i]);
            }
        }
        startAdditions();
    }

    @Override
    public void loadAdditions(final DataInput in) throws IOException {
        final int count = in.readInt();
        for (int i = 0; i < count; i++) {
            seen.put(in.readLong(), 0);
        }
        startAdditions();
    }

    /** From here on, blocks added are kept for the next additions record. */
    private void startAdditions() {
        if (added == null || added.length > 1024 && addedCount < added.length / 4) {
            added = new long[1024];
        }
        addedCount = 0;
    }

    /** Distinct blocks held. */
    public int size() {
        return seen.size();
    }
}
