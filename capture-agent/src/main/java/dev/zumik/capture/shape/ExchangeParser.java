package dev.zumik.capture.shape;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.core.prompt.Dialect;
import dev.zumik.core.prompt.PromptRenderer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a shape needs from one request body and its response (JSON or SSE) in each dialect:
 * model, stream flag, output limit, service tier, the rendered prompt, provider-reported usage
 * (OpenAI and vLLM {@code prompt_tokens_details.cached_tokens}, Responses {@code input_tokens_details},
 * Anthropic {@code cache_read_input_tokens}/{@code cache_creation_input_tokens}, SGLang's
 * {@code meta_info.cached_tokens}) and where in the response the first content token arrived.
 * Never throws on bad input: what cannot be read is left null.
 */
public final class ExchangeParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExchangeParser() { }

    public static ParsedExchange parse(final Dialect dialect, final byte[] requestBody, final byte[] responseBody) {
        final JsonNode request;
        try {
            request = JSON.readTree(requestBody);
        } catch (final java.io.IOException | RuntimeException e) {
            return ParsedExchange.unparsed();
        }
        if (request == null || !request.isObject()) {
            return ParsedExchange.unparsed();
        }
        try {
            final Usage usage = new Usage();
            final boolean stream = request.path("stream").asBoolean(false);
            long firstContentEnd = -1;
            if (responseBody != null && responseBody.length > 0) {
                if (looksLikeSse(responseBody)) {
                    firstContentEnd = readSse(dialect, responseBody, usage);
                } else {
                    readJson(dialect, responseBody, usage);
                }
            }
            String promptText = null;
            final int[] promptIds = PromptRenderer.tokenIds(dialect, request);
            if (promptIds == null) {
                promptText = PromptRenderer.render(dialect, request);
            }
            return new ParsedExchange(true, request.path("model").asText("unknown"), stream, maxTokens(request),
                    usage.serviceTier != null ? usage.serviceTier : textOrNull(request.path("service_tier")),
                    promptText, promptIds, usage.prompt, usage.completion, usage.cached, usage.cacheWrite, firstContentEnd);
        } catch (final RuntimeException e) {
            return ParsedExchange.unparsed();
        }
    }

    private static Integer maxTokens(final JsonNode request) {
        for (final String field : new String[] {"max_completion_tokens", "max_tokens", "max_output_tokens"}) {
            if (request.path(field).canConvertToInt()) {
                return request.path(field).asInt();
            }
        }
        return null;
    }

    private static boolean looksLikeSse(final byte[] body) {
        int i = 0;
        while (i < body.length && Character.isWhitespace(body[i])) {
            i++;
        }
        return startsWith(body, i, "data:") || startsWith(body, i, "event:") || startsWith(body, i, ":") || startsWith(body, i, "id:");
    }

    private static boolean startsWith(final byte[] body, final int at, final String prefix) {
        if (body.length - at < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (body[at + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void readJson(final Dialect dialect, final byte[] body, final Usage usage) {
        try {
            final JsonNode response = JSON.readTree(body);
            if (response != null) {
                usage.read(dialect, response);
            }
        } catch (final java.io.IOException | RuntimeException notJson) {
            // an error page or a non-JSON body: no usage
        }
    }

    /** Walks SSE events; returns the byte offset at the end of the first event with content, or -1. */
    private static long readSse(final Dialect dialect, final byte[] body, final Usage usage) {
        long firstContentEnd = -1;
        final StringBuilder data = new StringBuilder();
        int lineStart = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i < body.length && body[i] != '\n') {
                continue;
            }
            int lineEnd = i;
            if (lineEnd > lineStart && body[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            final String line = new String(body, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
            if (line.isEmpty() || i == body.length) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).stripLeading());
                }
                if (data.length() > 0) {
                    final boolean content = event(dialect, data.toString(), usage);
                    if (content && firstContentEnd < 0) {
                        firstContentEnd = Math.min(body.length, i + 1L);
                    }
                    data.setLength(0);
                }
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(5).stripLeading());
            }
            lineStart = i + 1;
        }
        return firstContentEnd;
    }

    /** Reads one SSE data payload; true when it carries generated content. */
    private static boolean event(final Dialect dialect, final String data, final Usage usage) {
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
                    usage.read(dialect, event.path("message"));
                } else if ("message_delta".equals(type)) {
                    usage.readAnthropicDelta(event.path("usage"));
                }
                return "content_block_delta".equals(type);
            }
            case OPENAI_RESPONSES -> {
                final String type = event.path("type").asText();
                if ("response.completed".equals(type) || "response.incomplete".equals(type)) {
                    usage.read(dialect, event.path("response"));
                }
                return type.endsWith(".delta") && (type.startsWith("response.output_text") || type.startsWith("response.function_call")
                        || type.startsWith("response.reasoning") || type.startsWith("response.refusal"));
            }
            default -> {
                if (event.has("usage") && !event.path("usage").isNull()) {
                    usage.read(dialect, event);
                }
                if (event.has("meta_info")) {
                    usage.read(dialect, event);
                }
                for (final JsonNode choice : event.path("choices")) {
                    final JsonNode delta = choice.path("delta");
                    if (nonEmpty(delta.path("content")) || nonEmpty(delta.path("tool_calls"))
                            || nonEmpty(delta.path("reasoning_content")) || nonEmpty(delta.path("refusal"))
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

    private static String textOrNull(final JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }

    /** Usage as reported, merged across the events of a stream. */
    private static final class Usage {
        Integer prompt;
        Integer completion;
        Integer cached;
        Integer cacheWrite;
        String serviceTier;

        void read(final Dialect dialect, final JsonNode response) {
            if (response.path("service_tier").isTextual()) {
                serviceTier = response.path("service_tier").asText();
            }
            final JsonNode u = response.path("usage");
            if (dialect == Dialect.ANTHROPIC_MESSAGES) {
                if (u.isObject()) {
                    final int read = u.path("cache_read_input_tokens").asInt(0);
                    final int write = u.path("cache_creation_input_tokens").asInt(0);
                    if (u.has("input_tokens")) {
                        prompt = u.path("input_tokens").asInt() + read + write;
                    }
                    if (u.has("cache_read_input_tokens")) {
                        cached = read;
                    }
                    if (u.has("cache_creation_input_tokens")) {
                        cacheWrite = write;
                    }
                    if (u.has("output_tokens")) {
                        completion = u.path("output_tokens").asInt();
                    }
                    if (u.path("service_tier").isTextual()) {
                        serviceTier = u.path("service_tier").asText();
                    }
                }
                return;
            }
            if (u.isObject()) {
                if (u.has("prompt_tokens")) {
                    prompt = u.path("prompt_tokens").asInt();
                } else if (u.has("input_tokens")) {
                    prompt = u.path("input_tokens").asInt();
                }
                if (u.has("completion_tokens")) {
                    completion = u.path("completion_tokens").asInt();
                } else if (u.has("output_tokens")) {
                    completion = u.path("output_tokens").asInt();
                } else if (dialect == Dialect.OPENAI_EMBEDDINGS) {
                    completion = 0;
                }
                final JsonNode details = u.has("prompt_tokens_details") ? u.path("prompt_tokens_details") : u.path("input_tokens_details");
                if (details.isObject()) {
                    if (details.path("cached_tokens").canConvertToInt()) {
                        cached = details.path("cached_tokens").asInt();
                    }
                    if (details.path("cache_write_tokens").canConvertToInt()) {
                        cacheWrite = details.path("cache_write_tokens").asInt();
                    }
                }
            }
            final JsonNode meta = response.path("meta_info");
            if (meta.isObject()) {
                if (meta.path("prompt_tokens").canConvertToInt()) {
                    prompt = meta.path("prompt_tokens").asInt();
                }
                if (meta.path("completion_tokens").canConvertToInt()) {
                    completion = meta.path("completion_tokens").asInt();
                }
                if (meta.path("cached_tokens").canConvertToInt()) {
                    cached = meta.path("cached_tokens").asInt();
                }
            }
        }

        /** message_delta usage is cumulative: output replaces, input and cache fields only when present. */
        void readAnthropicDelta(final JsonNode u) {
            if (!u.isObject()) {
                return;
            }
            if (u.has("output_tokens")) {
                completion = u.path("output_tokens").asInt();
            }
            if (u.has("input_tokens")) {
                final int read = u.has("cache_read_input_tokens") ? u.path("cache_read_input_tokens").asInt() : (cached == null ? 0 : cached);
                final int write = u.has("cache_creation_input_tokens") ? u.path("cache_creation_input_tokens").asInt()
                        : (cacheWrite == null ? 0 : cacheWrite);
                prompt = u.path("input_tokens").asInt() + read + write;
                cached = read;
                cacheWrite = write;
            }
        }
    }
}
