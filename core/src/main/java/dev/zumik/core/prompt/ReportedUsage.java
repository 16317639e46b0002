package dev.zumik.core.prompt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Usage as a provider reports it, merged across the events of a stream, in each dialect: OpenAI and
 * vLLM {@code prompt_tokens_details.cached_tokens}, Responses {@code input_tokens_details}, Anthropic
 * {@code cache_read_input_tokens}/{@code cache_creation_input_tokens} (added back into the prompt),
 * SGLang's {@code meta_info.cached_tokens}. Null fields were not reported. Read by the capture proxy
 * and by replay clients, so both count the same way.
 */
public final class ReportedUsage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Integer prompt;
    private Integer completion;
    private Integer cached;
    private Integer cacheWrite;
    private String serviceTier;

    public Integer prompt() {
        return prompt;
    }

    public Integer completion() {
        return completion;
    }

    public Integer cached() {
        return cached;
    }

    public Integer cacheWrite() {
        return cacheWrite;
    }

    public String serviceTier() {
        return serviceTier;
    }

    public void read(final Dialect dialect, final JsonNode response) {
        if (response.path("service_tier").isTextual()) {
            serviceTier = response.path("service_tier").asText();
        }
        final JsonNode u = response.path("usage");
        if (dialect == Dialect.ANTHROPIC_MESSAGES) {
            if (u.isObject()) {
                final Integer read = count(u.get("cache_read_input_tokens"));
                final Integer write = count(u.get("cache_creation_input_tokens"));
                if (u.has("input_tokens")) {
                    prompt = sum(count(u.get("input_tokens")), read == null ? 0 : read, write == null ? 0 : write);
                }
                if (u.has("cache_read_input_tokens")) {
                    cached = read;
                }
                if (u.has("cache_creation_input_tokens")) {
                    cacheWrite = write;
                }
                if (u.has("output_tokens")) {
                    completion = count(u.get("output_tokens"));
                }
                if (u.path("service_tier").isTextual()) {
                    serviceTier = u.path("service_tier").asText();
                }
            }
            return;
        }
        if (u.isObject()) {
            if (u.has("prompt_tokens")) {
                prompt = count(u.get("prompt_tokens"));
            } else if (u.has("input_tokens")) {
                prompt = count(u.get("input_tokens"));
            }
            if (u.has("completion_tokens")) {
                completion = count(u.get("completion_tokens"));
            } else if (u.has("output_tokens")) {
                completion = count(u.get("output_tokens"));
            } else if (dialect == Dialect.OPENAI_EMBEDDINGS) {
                completion = 0;
            }
            final JsonNode details = u.has("prompt_tokens_details") ? u.path("prompt_tokens_details") : u.path("input_tokens_details");
            if (details.isObject()) {
                if (details.has("cached_tokens")) {
                    cached = count(details.get("cached_tokens"));
                }
                if (details.has("cache_write_tokens")) {
                    cacheWrite = count(details.get("cache_write_tokens"));
                }
            }
        }
        final JsonNode meta = response.path("meta_info");
        if (meta.isObject()) {
            if (meta.has("prompt_tokens")) {
                prompt = count(meta.get("prompt_tokens"));
            }
            if (meta.has("completion_tokens")) {
                completion = count(meta.get("completion_tokens"));
            }
            if (meta.has("cached_tokens")) {
                cached = count(meta.get("cached_tokens"));
            }
        }
    }

    /** message_delta usage is cumulative: output replaces, input and cache fields only when present. */
    public void readAnthropicDelta(final JsonNode u) {
        if (!u.isObject()) {
            return;
        }
        if (u.has("output_tokens")) {
            completion = count(u.get("output_tokens"));
        }
        if (u.has("input_tokens")) {
            final Integer read = u.has("cache_read_input_tokens") ? count(u.get("cache_read_input_tokens")) : (cached == null ? 0 : cached);
            final Integer write = u.has("cache_creation_input_tokens") ? count(u.get("cache_creation_input_tokens"))
                    : (cacheWrite == null ? 0 : cacheWrite);
            prompt = sum(count(u.get("input_tokens")), read == null ? 0 : read, write == null ? 0 : write);
            cached = read;
            cacheWrite = write;
        }
    }

    /**
     * A token count as reported: a whole number from 0 to 2^31 - 1. Anything else (negative, fractional,
     * larger, text, null) counts as not reported, so no provider's or log's odd value wraps around into a
     * figure that prices a lane.
     */
    public static Integer count(final JsonNode node) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
            return null;
        }
        final long value = node.asLong();
        return value < 0 || value > Integer.MAX_VALUE ? null : (int) value;
    }

    /** The counts' sum when every one was reported and the sum is still a count; else not reported. */
    private static Integer sum(final Integer first, final int... rest) {
        if (first == null) {
            return null;
        }
        long total = first;
        for (final int r : rest) {
            total += r;
        }
        return total > Integer.MAX_VALUE ? null : (int) total;
    }

    /** Reads one SSE data payload into this usage; true when the event carries generated content. */
    public boolean readEvent(final Dialect dialect, final String data) {
        if (data.equals("[DONE]")) {
            return false;
        }
        final JsonNode event;
        try {
            event = JSON.readTree(data);
        } catch (final JsonProcessingException e) {
            return false;
        }
        if (event == null) {
            return false;
        }
        switch (dialect) {
            case ANTHROPIC_MESSAGES -> {
                final String type = event.path("type").asText();
                if ("message_start".equals(type)) {
                    read(dialect, event.path("message"));
                } else if ("message_delta".equals(type)) {
                    readAnthropicDelta(event.path("usage"));
                }
                return "content_block_delta".equals(type);
            }
            case OPENAI_RESPONSES -> {
                final String type = event.path("type").asText();
                if ("response.completed".equals(type) || "response.incomplete".equals(type)) {
                    read(dialect, event.path("response"));
                }
                return type.endsWith(".delta") && (type.startsWith("response.output_text") || type.startsWith("response.function_call")
                        || type.startsWith("response.reasoning") || type.startsWith("response.refusal"));
            }
            default -> {
                if (event.has("usage") && !event.path("usage").isNull()) {
                    read(dialect, event);
                }
                if (event.has("meta_info")) {
                    read(dialect, event);
                }
                for (final JsonNode choice : event.path("choices")) {
                    final JsonNode delta = choice.path("delta");
                    if (nonEmpty(delta.path("content")) || nonEmpty(delta.path("tool_calls"))
                            // reasoning_content: DeepSeek and vLLM before 0.11; reasoning: vLLM since, OpenRouter
                            || nonEmpty(delta.path("reasoning_content")) || nonEmpty(delta.path("reasoning")) || nonEmpty(delta.path("refusal"))
                            || nonEmpty(choice.path("text"))) {
                        return true;
                    }
                }
                return false;
            }
        }
    }

    private static boolean nonEmpty(final JsonNode node) {
        return (node.isTextual() && !node.asText().isEmpty()) || (node.isArray() && !node.isEmpty());
    }
}
