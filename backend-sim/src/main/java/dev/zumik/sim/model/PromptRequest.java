package dev.zumik.sim.model;

/**
 * What the engine needs to know about one request: the prompt's block hashes and length, whether it
 * asked for caching (Anthropic's {@code cache_control}), its output limits, and a fault forced by the
 * client ({@code X-Zumik-Sim-Fault}: an error status, {@code drop}, {@code slow} or {@code spike}), or null.
 *
 * @param maxTokens the request's output limit, or null for none (bounded by the context window)
 */
public record PromptRequest(long[] blockHashes, long promptTokens, boolean cacheRequested, Integer maxTokens, int minTokens,
                            boolean ignoreEos, String forcedFault) { }
