package dev.zumik.core.cache;

/**
 * What a simulated prefix cache found for one prompt: leading blocks found, tokens reused by the tier
 * that held them ({@code [0]} fastest), the cached tokens a provider reports (for a managed provider,
 * after its minimum and increment rules), and the tokens newly written to the cache.
 */
public record CacheLookup(int hitBlocks, long[] hitTokensByTier, long reportedCachedTokens, long writtenTokens) {

    public static CacheLookup miss(final int tiers, final long writtenTokens) {
        return new CacheLookup(0, new long[tiers], 0, writtenTokens);
    }

    public long hitTokens() {
        long sum = 0;
        for (final long t : hitTokensByTier) {
            sum += t;
        }
        return sum;
    }
}
