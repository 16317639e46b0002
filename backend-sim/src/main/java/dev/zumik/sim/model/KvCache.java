package dev.zumik.sim.model;

/**
 * The simulated prefix cache of a backend, keyed by the chained block hashes of the prompt tokens.
 * Not thread-safe: the engine calls it from one thread, in arrival order.
 */
public interface KvCache {

    /** Looks the prompt up at {@code nowMillis} and records it as the model defines. */
    CacheLookup access(long[] blockHashes, int blockSize, long promptTokens, long nowMillis, boolean cacheRequested);

    /** Tier names, fastest first ("hbm", "host", ...), for metrics. */
    String[] tierNames();
}
