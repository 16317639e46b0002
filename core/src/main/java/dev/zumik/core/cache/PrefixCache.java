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

    /**
     * The state in two parts, for snapshots whose size should follow what changed rather than what is
     * held: {@link #saveAdditions} writes the entries of a cache that only grows, added since its last
     * call (all of them when {@code all}); {@link #saveBase} writes the rest. A cache that evicts or
     * expires has no additions and its base is its whole state. Loading the base and then every
     * additions record since the last {@code all}, in order, gives what {@link #load} gives.
     */
    default void saveBase(final java.io.DataOutput out) throws java.io.IOException {
        save(out);
    }

    /** Replaces the state with the base {@link #saveBase} wrote; additions follow through {@link #loadAdditions}. */
    default void loadBase(final java.io.DataInput in) throws java.io.IOException {
        load(in);
    }

    /** See {@link #saveBase}. */
    default void saveAdditions(final java.io.DataOutput out, final boolean all) throws java.io.IOException {
    }

    /** Adds one record {@link #saveAdditions} wrote. */
    default void loadAdditions(final java.io.DataInput in) throws java.io.IOException {
    }
}
