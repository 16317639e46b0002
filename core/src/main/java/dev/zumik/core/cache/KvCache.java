package dev.zumik.core.cache;

/**
 * A prefix cache as a backend or a what-if simulation sees it, over the chained block hashes of
 * prompts: one call per request, in arrival order, answering what was reused (by tier) and what a
 * provider would report. Implementations are not thread-safe.
 */
public interface KvCache {

    /**
     * Looks the prompt up at {@code nowMillis} and records it as the model defines.
     *
     * @param cacheRequested whether the request asked for caching (only models that cache on request,
     *                       such as Anthropic's, look at it)
     */
    CacheLookup access(long[] blockHashes, int blockSize, long promptTokens, long nowMillis, boolean cacheRequested);

    /** Tier names, fastest first ("hbm", "host", ...). */
    String[] tierNames();

    /** Writes the whole state (see {@link PrefixCache#save}). */
    void save(java.io.DataOutput out) throws java.io.IOException;

    /** Replaces the state with one written by {@link #save}. */
    void load(java.io.DataInput in) throws java.io.IOException;

    /** The state but for a growing cache's additions (see {@link PrefixCache#saveBase}). */
    default void saveBase(final java.io.DataOutput out) throws java.io.IOException {
        save(out);
    }

    /** See {@link PrefixCache#loadBase}. */
    default void loadBase(final java.io.DataInput in) throws java.io.IOException {
        load(in);
    }

    /** See {@link PrefixCache#saveAdditions}. */
    default void saveAdditions(final java.io.DataOutput out, final boolean all) throws java.io.IOException {
    }

    /** See {@link PrefixCache#loadAdditions}. */
    default void loadAdditions(final java.io.DataInput in) throws java.io.IOException {
    }
}
