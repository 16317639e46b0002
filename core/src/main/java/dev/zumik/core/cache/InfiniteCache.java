package dev.zumik.core.cache;

/** The ideal cache: infinite capacity, nothing ever evicted or expired. Its hit ratio bounds every other model's. */
public final class InfiniteCache implements PrefixCache {
    private final LongLongMap seen = LongLongMap.keysOnly();

    @Override
    public PrefixHit access(final long[] blockHashes, final long nowMillis) {
        int hit = 0;
        while (hit < blockHashes.length && seen.containsKey(blockHashes[hit])) {
            hit++;
        }
        // the leading hits are held already
        for (int i = hit; i < blockHashes.length; i++) {
            seen.put(blockHashes[i], 0);
        }
        return new PrefixHit(new int[] {hit});
    }

    @Override
    public void save(final java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(seen.size());
        seen.writeTo(out, false);
    }

    @Override
    public void load(final java.io.DataInput in) throws java.io.IOException {
        seen.clear();
        final int size = in.readInt();
        for (int i = 0; i < size; i++) {
            seen.put(in.readLong(), 0);
        }
    }

    /** Distinct blocks held. */
    public int size() {
        return seen.size();
    }
}
