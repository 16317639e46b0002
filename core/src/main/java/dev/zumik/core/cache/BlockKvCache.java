package dev.zumik.core.cache;

/**
 * A {@link PrefixCache} as a {@link KvCache}: every prompt is cached and every reused token is
 * reported, whichever tier held it. Over {@link TieredLruCache} this is a GPU runtime's cache (vLLM's
 * block manager, SGLang's radix cache, LMCache/Mooncake tiers below them); over {@link InfiniteCache}
 * or {@link TtlCache}, the ideal and TTL what-if models.
 */
public final class BlockKvCache implements KvCache {
    private final PrefixCache cache;
    private final String[] names;

    public BlockKvCache(final PrefixCache cache, final String... tierNames) {
        if (tierNames.length == 0) {
            throw new IllegalArgumentException("a cache needs at least one tier name");
        }
        this.cache = cache;
        this.names = tierNames.clone();
    }

    /** LRU tiers in series with capacities in tokens (at least one block each). */
    public static BlockKvCache tiered(final String[] tierNames, final long[] capacityTokens, final int blockSize) {
        if (tierNames.length != capacityTokens.length || tierNames.length == 0) {
            throw new IllegalArgumentException("a tiered cache needs at least one tier, each with a name and a capacity");
        }
        final long[] blocks = new long[capacityTokens.length];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = Math.max(1, capacityTokens[i] / blockSize);
        }
        return new BlockKvCache(new TieredLruCache(blocks), tierNames);
    }

    @Override
    public CacheLookup access(final long[] blockHashes, final int blockSize, final long promptTokens, final long nowMillis,
                              final boolean cacheRequested) {
        final PrefixHit hit = cache.access(blockHashes, nowMillis);
        final long[] byTier = new long[names.length];
        long left = hit.tokens(blockSize, promptTokens);
        // the hit is capped at the prompt (the last block may be partial): attribute tokens tier by tier
        for (int tier = 0; tier < byTier.length && tier < hit.blocksByTier().length; tier++) {
            byTier[tier] = Math.min(left, (long) hit.blocksByTier()[tier] * blockSize);
            left -= byTier[tier];
        }
        final long reported = hit.tokens(blockSize, promptTokens);
        return new CacheLookup(hit.blocks(), byTier, reported, promptTokens - reported);
    }

    @Override
    public String[] tierNames() {
        return names.clone();
    }

    /** Drops one tier's blocks (a runtime's reset of that tier); only LRU tiers have tiers to drop. Returns the blocks dropped. */
    public long clearTier(final int tier) {
        if (!(cache instanceof TieredLruCache tiers)) {
            throw new UnsupportedOperationException("a " + cache.getClass().getSimpleName() + " has no tiers to clear");
        }
        return tiers.clearTier(tier);
    }

    /** Blocks held per tier (zeros for a cache without tiers). */
    public long[] occupancy() {
        return cache instanceof TieredLruCache tiers ? tiers.occupancy() : new long[names.length];
    }

    /** The cache underneath, e.g. for its occupancy. */
    public PrefixCache prefixCache() {
        return cache;
    }

    @Override
    public CacheState state() {
        return cache;
    }
}
