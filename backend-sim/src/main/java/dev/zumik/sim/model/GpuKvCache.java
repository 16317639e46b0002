package dev.zumik.sim.model;

import dev.zumik.core.cache.PrefixHit;
import dev.zumik.core.cache.TieredLruCache;

/**
 * A GPU runtime's prefix cache (vLLM's block manager, SGLang's radix cache, LMCache/Mooncake tiers
 * below it): LRU tiers in series with capacities in tokens. Every prompt is cached; the runtime
 * reports all reused tokens, whichever tier held them.
 */
public final class GpuKvCache implements KvCache {
    private final TieredLruCache cache;
    private final String[] names;

    public GpuKvCache(final String[] tierNames, final long[] capacityTokens, final int blockSize) {
        if (tierNames.length != capacityTokens.length || tierNames.length == 0) {
            throw new IllegalArgumentException("a GPU cache needs at least one tier, each with a name and a capacity");
        }
        final long[] blocks = new long[capacityTokens.length];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = Math.max(1, capacityTokens[i] / blockSize);
        }
        this.cache = new TieredLruCache(blocks);
        this.names = tierNames.clone();
    }

    @Override
    public CacheLookup access(final long[] blockHashes, final int blockSize, final long promptTokens, final long nowMillis,
                              final boolean cacheRequested) {
        final PrefixHit hit = cache.access(blockHashes, nowMillis);
        final long[] byTier = new long[names.length];
        long left = hit.tokens(blockSize, promptTokens);
        // blocks are a prefix in tier order of occurrence; attribute tokens tier by tier, capped at the prompt
        for (int tier = 0; tier < byTier.length; tier++) {
            byTier[tier] = Math.min(left, (long) hit.blocksByTier()[tier] * blockSize);
            left -= byTier[tier];
        }
        final long reported = hit.tokens(blockSize, promptTokens);
        return new CacheLookup(byTier, reported, promptTokens - reported);
    }

    @Override
    public String[] tierNames() {
        return names.clone();
    }

    /** Blocks held per tier. */
    public long[] occupancy() {
        return cache.occupancy();
    }
}
