package dev.zumik.core.cache;

/**
 * What a managed provider's prompt cache would report (docs/METRICS.md): caching only for prompts of at
 * least {@code minTokens} (1,024), in {@code incrementTokens} (128) steps, over a TTL cache of the
 * prompt's blocks. Cached tokens = the TTL prefix hit in tokens, rounded down to the increment, and
 * 0 unless both the prompt and that amount reach the minimum.
 */
public final class ManagedProviderCache {
    private final TtlCache blocks;
    private final int minTokens;
    private final int incrementTokens;

    public ManagedProviderCache(final long ttlMillis, final int minTokens, final int incrementTokens) {
        if (minTokens < 0 || incrementTokens < 1) {
            throw new IllegalArgumentException("minimum must be >= 0 and increment >= 1");
        }
        this.blocks = new TtlCache(ttlMillis);
        this.minTokens = minTokens;
        this.incrementTokens = incrementTokens;
    }

    /** OpenAI's published rules: 1,024 minimum, 128-token increments. */
    public static ManagedProviderCache openAi(final long ttlMillis) {
        return new ManagedProviderCache(ttlMillis, 1024, 128);
    }

    /** Cached tokens the provider would report for this request, updating the cache. */
    public long cachedTokens(final long[] blockHashes, final int blockSize, final long promptTokens, final long nowMillis) {
        if (promptTokens < minTokens) {
            return 0;
        }
        final long hit = blocks.access(blockHashes, nowMillis).tokens(blockSize, promptTokens);
        final long rounded = hit / incrementTokens * incrementTokens;
        return rounded >= minTokens ? rounded : 0;
    }

    /** The TTL cache of its blocks: all its state. */
    public CacheState state() {
        return blocks;
    }
}
