package dev.zumik.core.cache;

/**
 * A simulated KV cache over chained block hashes (DESIGN.md). {@link #access} takes one request:
 * it counts the prefix hit (leading blocks present at arrival, stopping at the first miss) and then
 * records the request's blocks as the model defines (touch, insert, evict, expire).
 */
public interface PrefixCache {

    /**
     * Processes one request arriving at {@code nowMillis} with these block hashes.
     *
     * @return the prefix hit, attributed per tier
     */
    PrefixHit access(long[] blockHashes, long nowMillis);

    /** Writes the whole state, so that {@link #load} on an empty cache of the same model continues exactly as this one. */
    void save(java.io.DataOutput out) throws java.io.IOException;

    /** Replaces the state with one written by {@link #save}. */
    void load(java.io.DataInput in) throws java.io.IOException;
}
