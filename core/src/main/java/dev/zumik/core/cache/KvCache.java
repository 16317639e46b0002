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

    /** Its state, for snapshots. */
    CacheState state();
}
