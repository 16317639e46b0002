package dev.zumik.sim.http;

/**
 * Token accounting of one response, dialect-neutral: {@code promptTokens} includes cached ones (as
 * OpenAI counts), {@code cacheWriteTokens} is what Anthropic reports as cache creation.
 */
record Usage(long promptTokens, long completionTokens, long cachedTokens, long cacheWriteTokens) { }
