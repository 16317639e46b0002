package dev.zumik.core.reuse;

import dev.zumik.core.cache.CacheLookup;
import dev.zumik.core.cache.KvCache;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
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
    /** Whether the caches were made (or loaded whole) since their last additions were saved or loaded: the next start over. */
    private boolean additionsStartOver = true;

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
            additionsStartOver = true;
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
    public void save(final DataOutput out) throws IOException {
        out.writeInt(blockSize);
        out.writeInt(caches.size());
        for (final KvCache cache : caches) {
            cache.state().save(out);
        }
    }

    /** Replaces the caches' state with one written by {@link #save} for the same policies. */
    public void load(final DataInput in) throws IOException {
        loadCaches(in, false);
        additionsStartOver = true;
    }

    /**
     * Writes the caches' state as {@link #save} does, but leaves the content of caches that only grow
     * (the ideal cache) to {@code additions}, which gets what they gained since the last call: so a
     * snapshot costs what changed, not all the ideal cache holds. Returns whether the additions start
     * over, holding everything (the first call, or the caches were made anew for another block size
     * since): earlier additions then no longer apply.
     */
    public boolean saveIncrement(final DataOutput base, final DataOutput additions) throws IOException {
        base.writeInt(blockSize);
        base.writeInt(caches.size());
        for (final KvCache cache : caches) {
            cache.state().saveBase(base);
        }
        final boolean startOver = additionsStartOver;
        additions.writeInt(caches.size());
        for (final KvCache cache : caches) {
            cache.state().saveAdditions(additions, startOver);
        }
        additionsStartOver = false;
        return startOver;
    }

    /**
     * Replaces the caches' state with a base {@link #saveIncrement} wrote and the additions records it
     * wrote since it last started over, read from {@code additions} in order to its end.
     */
    public void loadIncrements(final DataInput base, final DataInputStream additions) throws IOException {
        loadCaches(base, true);
        while (additions.available() > 0) {
            final int count = additions.readInt();
            if (count != caches.size()) {
                throw new IOException("saved additions have " + count + " caches, the saved state " + caches.size());
            }
            for (final KvCache cache : caches) {
                cache.state().loadAdditions(additions);
            }
        }
        additionsStartOver = false;
    }

    private void loadCaches(final DataInput in, final boolean baseOnly) throws IOException {
        blockSize = in.readInt();
        final int count = in.readInt();
        caches.clear();
        if (count == 0) {
            return;
        }
        if (count != policies.size()) {
            throw new IOException("saved state has " + count + " caches, this simulator " + policies.size() + " policies");
        }
        for (final CachePolicy policy : policies) {
            final KvCache cache = policy.newCache(blockSize);
            if (baseOnly) {
                cache.state().loadBase(in);
            } else {
                cache.state().load(in);
            }
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
