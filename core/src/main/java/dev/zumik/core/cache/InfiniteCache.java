package dev.zumik.core.cache;

import java.util.HashSet;
import java.util.Set;

/** The ideal cache: infinite capacity, nothing ever evicted or expired. Its hit ratio bounds every other model's. */
public final class InfiniteCache implements PrefixCache {
    private final Set<Long> seen = new HashSet<>();

    @Override
    public PrefixHit access(final long[] blockHashes, final long nowMillis) {
        int hit = 0;
        while (hit < blockHashes.length && seen.contains(blockHashes[hit])) {
            hit++;
        }
        for (final long hash : blockHashes) {
            seen.add(hash);
        }
        return new PrefixHit(new int[] {hit});
    }

    @Override
    public void save(final java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(seen.size());
        for (final long hash : seen) {
            out.writeLong(hash);
        }
    }

    @Override
    public void load(final java.io.DataInput in) throws java.io.IOException {
        seen.clear();
        final int size = in.readInt();
        for (int i = 0; i < size; i++) {
            seen.add(in.readLong());
        }
    }

    /** Distinct blocks held. */
    public int size() {
        return seen.size();
    }
}
