package dev.zumik.capture.shape;

/**
 * What the proxy understood of one request and its response. Content is held only long enough to
 * tokenize it; nothing here is published.
 *
 * @param parsed            whether the request body was understood (false: forwarded and counted only)
 * @param model             requested model ("unknown" if absent)
 * @param stream            whether the client asked for a stream
 * @param maxTokens         max_tokens / max_completion_tokens / max_output_tokens, if given
 * @param serviceTier       tier requested, or reported by the provider when it says so
 * @param promptText        the prompt rendered deterministically (tools, system, messages), or null
 * @param promptTokenIds    token ids when the client sent ids instead of text, or null
 * @param promptTokens      provider-reported prompt tokens (Anthropic: input + cache read + cache write)
 * @param completionTokens  provider-reported output tokens
 * @param cachedTokens      provider-reported cached prompt tokens
 * @param cacheWriteTokens  provider-reported cache write tokens
 * @param firstContentEnd   response byte offset at which the first content token had arrived, or -1
 */
public record ParsedExchange(boolean parsed, String model, boolean stream, Integer maxTokens, String serviceTier,
                             String promptText, int[] promptTokenIds, Integer promptTokens, Integer completionTokens,
                             Integer cachedTokens, Integer cacheWriteTokens, long firstContentEnd, Boolean cacheControl) {

    public static ParsedExchange unparsed() {
        return new ParsedExchange(false, "unknown", false, null, null, null, null, null, null, null, null, -1, null);
    }

    @Override
    public String toString() {
        // Never print content: this record is logged in debugging sessions.
        return "ParsedExchange[parsed=" + parsed + ", model=" + model + ", stream=" + stream + ", promptTokens="
                + promptTokens + ", completionTokens=" + completionTokens + ", cachedTokens=" + cachedTokens + "]";
    }
}
