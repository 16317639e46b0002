package dev.zumik.core.cache;

/**
 * A simulated KV cache over chained block hashes (docs/METRICS.md). {@link #access} takes one request:
 * it counts the prefix hit (leading blocks present at arrival, stopping at the first miss) and then
 * records the request's blocks as the model defines (touch, insert, evict, expire).
 */
public interface PrefixCache extends CacheState {

    /**
     * Processes one request arriving at {@code nowMillis} with these block hashes.
     *
     * @return the prefix hit, attributed per tier
     */
    PrefixHit access(long[] blockHashes, long nowMillis);
}
