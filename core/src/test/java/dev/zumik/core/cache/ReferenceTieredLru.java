package dev.zumik.core.cache;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * LRU tiers in series (HBM → host RAM → NVMe → remote), capacities in blocks. A request's prefix hit
 * counts leading blocks held by any tier, attributed to the tier holding each, and stops at the first
 * block no tier holds. Then every block of the request is touched in order: it moves to (or is
 * inserted at) the most-recent end of the first tier; a block evicted from a tier drops into the most-
 * recent end of the next; one evicted from the last tier is gone. With one tier this is LRU(N).
 */
final class ReferenceTieredLru implements PrefixCache {
    private final long[] capacities;
    private final List<LinkedHashMap<Long, Boolean>> tiers;

    /** @param capacityBlocks capacity of each tier in blocks, fastest first; each must be > 0 */
    ReferenceTieredLru(final long... capacityBlocks) {
        if (capacityBlocks.length == 0) {
            throw new IllegalArgumentException("a cache needs at least one tier");
        }
        for (final long c : capacityBlocks) {
            if (c < 1) {
                throw new IllegalArgumentException("tier capacity must be >= 1 block, got " + c);
            }
        }
        this.capacities = capacityBlocks.clone();
        this.tiers = new ArrayList<>();
        for (int i = 0; i < capacityBlocks.length; i++) {
            tiers.add(new LinkedHashMap<>(16, 0.75f, true));
        }
    }

    @Override
    public PrefixHit access(final long[] blockHashes, final long nowMillis) {
        final int[] byTier = new int[tiers.size()];
        for (final long hash : blockHashes) {
            final int tier = tierOf(hash);
            if (tier < 0) {
                break;
            }
            byTier[tier]++;
        }
        for (final long hash : blockHashes) {
            touch(hash);
        }
        return new PrefixHit(byTier);
    }

    private int tierOf(final long hash) {
        for (int i = 0; i < tiers.size(); i++) {
            if (tiers.get(i).containsKey(hash)) {
                return i;
            }
        }
        return -1;
    }

    private void touch(final long hash) {
        for (int i = 1; i < tiers.size(); i++) {
            if (tiers.get(i).remove(hash) != null) {
                break;
            }
        }
        final LinkedHashMap<Long, Boolean> first = tiers.get(0);
        if (first.get(hash) == null) {
            first.put(hash, Boolean.TRUE);
            spill(0);
        }
    }

    /** Moves least-recently-used blocks of tier {@code i} over capacity into tier {@code i + 1}. */
    private void spill(final int i) {
        final LinkedHashMap<Long, Boolean> tier = tiers.get(i);
        while (tier.size() > capacities[i]) {
            final Iterator<Map.Entry<Long, Boolean>> oldest = tier.entrySet().iterator();
            final long evicted = oldest.next().getKey();
            oldest.remove();
            if (i + 1 < tiers.size()) {
                tiers.get(i + 1).put(evicted, Boolean.TRUE);
                spill(i + 1);
            }
        }
    }

    @Override
    public void save(final DataOutput out) throws IOException {
        out.writeInt(tiers.size());
        for (final LinkedHashMap<Long, Boolean> tier : tiers) {
            out.writeInt(tier.size());
            for (final long hash : tier.keySet()) {
                out.writeLong(hash);
            }
        }
    }

    @Override
    public void load(final DataInput in) throws IOException {
        final int count = in.readInt();
        if (count != tiers.size()) {
            throw new IOException("saved state has " + count + " tiers, this cache " + tiers.size());
        }
        for (final LinkedHashMap<Long, Boolean> tier : tiers) {
            tier.clear();
            final int size = in.readInt();
            for (int i = 0; i < size; i++) {
                tier.put(in.readLong(), Boolean.TRUE);
            }
        }
    }

    /** Blocks held per tier, for tests and metrics. */
    public long[] occupancy() {
        final long[] out = new long[tiers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tiers.get(i).size();
        }
        return out;
    }
}
