package dev.zumik.core.reuse;

/**
 * Running totals of one cache policy over a stream of requests, with the metric definitions of
 * docs/METRICS.md: token hit ratio = Σ hit tokens / Σ prompt tokens (token-weighted); prefix block ratio =
 * Σ hit blocks / Σ blocks; mean request hit ratio = the mean over requests of hit tokens / prompt
 * tokens (requests with an empty prompt count as 0). Mergeable: totals of disjoint parts add up.
 */
public final class ReuseTotals {
    private long requests;
    private long promptTokens;
    private long hitTokens;
    private long blocks;
    private long hitBlocks;
    private double requestHitRatioSum;
    private final long[] hitTokensByTier;

    public ReuseTotals(final int tiers) {
        this.hitTokensByTier = new long[tiers];
    }

    /** Adds one request. */
    public void add(final long prompt, final int blockCount, final int hitBlockCount, final long[] hitByTier) {
        long hit = 0;
        for (int i = 0; i < hitByTier.length && i < hitTokensByTier.length; i++) {
            hitTokensByTier[i] += hitByTier[i];
            hit += hitByTier[i];
        }
        requests++;
        promptTokens += prompt;
        hitTokens += hit;
        blocks += blockCount;
        hitBlocks += hitBlockCount;
        requestHitRatioSum += prompt == 0 ? 0 : (double) hit / prompt;
    }

    public long requests() {
        return requests;
    }

    public long promptTokens() {
        return promptTokens;
    }

    public long hitTokens() {
        return hitTokens;
    }

    public long blocks() {
        return blocks;
    }

    public long hitBlocks() {
        return hitBlocks;
    }

    public long[] hitTokensByTier() {
        return hitTokensByTier.clone();
    }

    public double tokenHitRatio() {
        return promptTokens == 0 ? 0 : (double) hitTokens / promptTokens;
    }

    public double prefixBlockRatio() {
        return blocks == 0 ? 0 : (double) hitBlocks / blocks;
    }

    public double meanRequestHitRatio() {
        return requests == 0 ? 0 : requestHitRatioSum / requests;
    }
}
