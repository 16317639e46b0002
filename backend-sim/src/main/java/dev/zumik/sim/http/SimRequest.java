package dev.zumik.sim.http;

import dev.zumik.core.prompt.Dialect;

/**
 * One parsed inference request.
 *
 * @param promptIds   token ids when the client sent them (counted exactly), else null
 * @param promptText  the rendered prompt when it was text, else null
 * @param maxTokens   the output limit, or null for none
 */
record SimRequest(Dialect api, String model, int[] promptIds, String promptText, boolean stream, boolean includeUsage, Integer maxTokens,
                  int minTokens, boolean ignoreEos, boolean cacheRequested) { }
