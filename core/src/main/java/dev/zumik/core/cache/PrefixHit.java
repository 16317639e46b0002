package dev.zumik.core.cache;

/**
 * The leading blocks of one request that were cached at its arrival, by the tier that held each
 * ({@code blocksByTier[0]} is the fastest tier). Hit tokens = min(hitBlocks × B, promptTokens).
 */
public record PrefixHit(int[] blocksByTier) {

    public static PrefixHit none(final int tiers) {
        return new PrefixHit(new int[tiers]);
    }

    public int blocks() {
        int sum = 0;
        for (final int b : blocksByTier) {
            sum += b;
        }
        return sum;
    }

    /** Hit tokens for a prompt of {@code promptTokens} cut into blocks of {@code blockSize}. */
    public long tokens(final int blockSize, final long promptTokens) {
        return Math.min((long) blocks() * blockSize, promptTokens);
    }
}
