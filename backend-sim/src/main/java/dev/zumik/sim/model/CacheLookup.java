package dev.zumik.sim.model;

/**
 * What the simulated KV cache found for one prompt: tokens reused by the tier that held them
 * ({@code [0]} fastest), the cached tokens the runtime reports (for a managed provider, after its
 * minimum and increment rules), and the tokens newly written to the cache.
 */
public record CacheLookup(long[] hitTokensByTier, long reportedCachedTokens, long writtenTokens) {

    public static CacheLookup miss(final int tiers, final long writtenTokens) {
        return new CacheLookup(new long[tiers], 0, writtenTokens);
    }

    public long hitTokens() {
        long sum = 0;
        for (final long t : hitTokensByTier) {
            sum += t;
        }
        return sum;
    }
}
