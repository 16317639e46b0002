package dev.zumik.capture.shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.core.prompt.Dialect;
import dev.zumik.core.prompt.PromptRenderer;
import dev.zumik.core.prompt.ReportedUsage;
import java.io.IOException;
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
    /** Each shaping thread renders prompts into one buffer; one that grew past this many chars is let go. */
    private static final int KEPT_PROMPT_CHARS = 1 << 20;
    private static final ThreadLocal<StringBuilder> PROMPT = ThreadLocal.withInitial(() -> new StringBuilder(4096));

    private ExchangeParser() { }

    public static ParsedExchange parse(final Dialect dialect, final byte[] requestBody, final byte[] responseBody) {
        final JsonNode request;
        try {
            request = JSON.readTree(requestBody);
        } catch (final IOException | RuntimeException e) {
            return ParsedExchange.unparsed();
        }
        if (request == null || !request.isObject()) {
            return ParsedExchange.unparsed();
        }
        try {
            final ReportedUsage usage = new ReportedUsage();
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
                promptText = render(dialect, request, requestBody.length);
            }
            return new ParsedExchange(true, request.path("model").asText("unknown"), stream, maxTokens(request),
                    usage.serviceTier() != null ? usage.serviceTier() : textOrNull(request.path("service_tier")),
                    promptText, promptIds, usage.prompt(), usage.completion(), usage.cached(), usage.cacheWrite(), firstContentEnd,
                    dialect == Dialect.ANTHROPIC_MESSAGES ? asksForCaching(request) : null);
        } catch (final RuntimeException e) {
            return ParsedExchange.unparsed();
        }
    }

    /** The rendered prompt, built in this thread's buffer, sized once for a body of {@code bodyLength} bytes. */
    private static String render(final Dialect dialect, final JsonNode request, final int bodyLength) {
        final StringBuilder out = PROMPT.get();
        out.setLength(0);
        out.ensureCapacity(bodyLength);
        try {
            PromptRenderer.render(dialect, request, out);
            return out.toString();
        } finally {
            if (out.capacity() > KEPT_PROMPT_CHARS) {
                PROMPT.remove();
            }
        }
    }

    /** An Anthropic request asks for prompt caching with {@code cache_control} at the top level or on any tool, system or message block. */
    static boolean asksForCaching(final JsonNode request) {
        if (request.has("cache_control")) {
            return true;
        }
        for (final String field : new String[] {"system", "tools", "messages"}) {
            if (!request.path(field).findValues("cache_control").isEmpty()) {
                return true;
            }
        }
        return false;
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

    private static void readJson(final Dialect dialect, final byte[] body, final ReportedUsage usage) {
        try {
            final JsonNode response = JSON.readTree(body);
            if (response != null) {
                usage.read(dialect, response);
            }
        } catch (final IOException | RuntimeException notJson) {
            // an error page or a non-JSON body: no usage
        }
    }

    /** Walks SSE events; returns the byte offset at the end of the first event with content, or -1. */
    private static long readSse(final Dialect dialect, final byte[] body, final ReportedUsage usage) {
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
                    final boolean content = usage.readEvent(dialect, data.toString());
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

    private static String textOrNull(final JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
