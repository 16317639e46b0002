package dev.zumik.core.reuse;

import dev.zumik.core.cache.CacheLookup;
import dev.zumik.core.cache.KvCache;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds one lane's requests, in arrival order, through every configured cache policy and keeps each
 * policy's totals. The streams app and {@code zumik analyze} both run this class, so a streaming and
 * an offline run over the same input give the same numbers. Not thread-safe.
 */
public final class ReuseSimulator {
    private final List<CachePolicy> policies;
    private final List<KvCache> caches = new ArrayList<>();
    private final List<ReuseTotals> totals = new ArrayList<>();
    private int blockSize = -1;

    public ReuseSimulator(final List<CachePolicy> policies) {
        this.policies = List.copyOf(policies);
        for (final CachePolicy policy : policies) {
            totals.add(new ReuseTotals(policy.tiers().size()));
        }
    }

    /**
     * Simulates one request and returns each policy's lookup, in policy order. The caches are made at
     * the first request with its block size; a lane keeps one block size (a change would make its
     * hashes incomparable), so a request with another block size is looked up in fresh caches.
     */
    public List<CacheLookup> observe(final long[] blockHashes, final int blockSize, final long promptTokens, final long arrivalMillis) {
        if (blockSize != this.blockSize) {
            this.blockSize = blockSize;
            caches.clear();
            for (final CachePolicy policy : policies) {
                caches.add(policy.newCache(blockSize));
            }
        }
        final List<CacheLookup> lookups = new ArrayList<>(caches.size());
        for (int i = 0; i < caches.size(); i++) {
            final CacheLookup lookup = caches.get(i).access(blockHashes, blockSize, promptTokens, arrivalMillis, true);
            totals.get(i).add(promptTokens, blockHashes.length, lookup.hitBlocks(), lookup.hitTokensByTier());
            lookups.add(lookup);
        }
        return lookups;
    }

    /**
     * Writes the caches' state (not the totals): a simulator that {@link #load}s it continues exactly
     * as this one would, which is how the streams app survives restarts and rebalances.
     */
    public void save(final java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(blockSize);
        out.writeInt(caches.size());
        for (final KvCache cache : caches) {
            cache.save(out);
        }
    }

    /** Replaces the caches' state with one written by {@link #save} for the same policies. */
    public void load(final java.io.DataInput in) throws java.io.IOException {
        blockSize = in.readInt();
        final int count = in.readInt();
        caches.clear();
        if (count == 0) {
            return;
        }
        if (count != policies.size()) {
            throw new java.io.IOException("saved state has " + count + " caches, this simulator " + policies.size() + " policies");
        }
        for (final CachePolicy policy : policies) {
            final KvCache cache = policy.newCache(blockSize);
            cache.load(in);
            caches.add(cache);
        }
    }

    public List<CachePolicy> policies() {
        return policies;
    }

    /** Totals per policy, in policy order. */
    public List<ReuseTotals> totals() {
        return List.copyOf(totals);
    }
}
