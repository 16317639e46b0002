package dev.zumik.core.cache;


/**
 * A managed provider's prompt cache: the {@link ManagedProviderCache} rules (minimum prompt, increment,
 * idle TTL). With {@code explicitOnly} (Anthropic) only requests that ask for caching
 * ({@code cache_control}) read or write it; then the prompt up to the last full increment is written.
 */
public final class ManagedKvCache implements KvCache {
    private final ManagedProviderCache cache;
    private final int minTokens;
    private final boolean explicitOnly;

    public ManagedKvCache(final long ttlMillis, final int minTokens, final int incrementTokens, final boolean explicitOnly) {
        this.cache = new ManagedProviderCache(ttlMillis, minTokens, incrementTokens);
        this.minTokens = minTokens;
        this.explicitOnly = explicitOnly;
    }

    @Override
    public CacheLookup access(final long[] blockHashes, final int blockSize, final long promptTokens, final long nowMillis,
                              final boolean cacheRequested) {
        if (explicitOnly && !cacheRequested) {
            return CacheLookup.miss(1, 0);
        }
        final long cached = cache.cachedTokens(blockHashes, blockSize, promptTokens, nowMillis);
        final long written = promptTokens >= minTokens ? promptTokens - cached : 0;
        // blocks behind the reported tokens (the increment may end inside a block)
        return new CacheLookup((int) ((cached + blockSize - 1) / blockSize), new long[] {cached}, cached, written);
    }

    @Override
    public String[] tierNames() {
        return new String[] {"managed"};
    }

    @Override
    public CacheState state() {
        return cache.state();
    }
}
