package dev.zumik.sim.http;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.zumik.core.prompt.Dialect;
import dev.zumik.core.prompt.PromptRenderer;
import dev.zumik.sim.profile.WireDialect;
import java.io.IOException;
import java.util.List;

/**
 * Reads and validates a request body the way the simulated runtime would; a bad one throws
 * {@link BadRequest} with the status and message that runtime gives.
 */
final class RequestReader {

    /** A request the runtime would refuse. */
    static final class BadRequest extends RuntimeException {
        final int status;
        final String code;

        BadRequest(final int status, final String code, final String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    private RequestReader() { }

    static SimRequest read(final Dialect api, final byte[] body, final WireDialect wire, final List<String> models) {
        final JsonNode request;
        try {
            request = Json.MAPPER.readTree(body);
        } catch (final StreamConstraintsException e) {
            throw new BadRequest(413, "request_too_large", "the request body exceeds this server's JSON limits: " + e.getOriginalMessage());
        } catch (final IOException e) {
            throw new BadRequest(400, null, "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
                    + "using your HTTP library correctly. The OpenAI API expects a JSON payload.)");
        }
        if (request == null || !request.isObject()) {
            throw new BadRequest(400, null, "the request body must be a JSON object");
        }
        FieldTypes.check(api, request);
        final String model = request.path("model").isTextual() ? request.path("model").asText() : null;
        if (model == null && (wire == WireDialect.OPENAI || wire == WireDialect.ANTHROPIC)) {
            throw new BadRequest(400, "missing_required_parameter", "you must provide a model parameter");
        }
        final String served = model == null ? models.get(0) : model;
        if (!models.contains(served)) {
            throw new BadRequest(404, "model_not_found", wire == WireDialect.OPENAI
                    ? "The model `" + served + "` does not exist or you do not have access to it."
                    : "The model `" + served + "` does not exist.");
        }
        final boolean stream = request.path("stream").asBoolean(false);
        final JsonNode options = request.path("stream_options");
        if (!options.isMissingNode() && !options.isNull() && !stream && wire == WireDialect.VLLM) {
            throw new BadRequest(400, null, "Stream options can only be defined when `stream=True`.");
        }
        // vLLM turns usage on once stream_options is present; the others only on include_usage: true
        final boolean includeUsage = options.isObject()
                && options.path("include_usage").asBoolean(wire == WireDialect.VLLM);
        final Integer maxTokens;
        switch (api) {
            case OPENAI_CHAT -> {
                requireArray(request, "messages");
                maxTokens = limit(request, "max_completion_tokens", limit(request, "max_tokens", null, 1), 1);
            }
            case OPENAI_COMPLETIONS -> {
                if (request.path("prompt").isMissingNode() || request.path("prompt").isNull()) {
                    throw new BadRequest(400, "missing_required_parameter", "you must provide a prompt parameter");
                }
                maxTokens = limit(request, "max_tokens", 16, 1);
            }
            case ANTHROPIC_MESSAGES -> {
                requireArray(request, "messages");
                if (!request.path("max_tokens").canConvertToInt()) {
                    throw new BadRequest(400, null, "max_tokens: Field required");
                }
                maxTokens = limit(request, "max_tokens", null, 0);
            }
            default -> throw new BadRequest(404, null, "not served: " + api.path());
        }
        final int minTokens = Math.max(0, request.path("min_tokens").asInt(0));
        final boolean ignoreEos = request.path("ignore_eos").asBoolean(request.path("nvext").path("ignore_eos").asBoolean(false));
        final int[] ids = PromptRenderer.tokenIds(api, request);
        if (ids != null) {
            for (final int id : ids) {
                if (id < 0) {
                    throw new BadRequest(400, null, "token ids must be non-negative, got " + id);
                }
            }
        }
        return new SimRequest(api, served, ids, ids == null ? PromptRenderer.render(api, request) : null, stream, includeUsage && stream,
                maxTokens, minTokens, ignoreEos, api == Dialect.ANTHROPIC_MESSAGES && asksForCache(request));
    }

    private static void requireArray(final JsonNode request, final String field) {
        if (!request.path(field).isArray() || request.path(field).isEmpty()) {
            throw new BadRequest(400, "missing_required_parameter", field + ": a non-empty array is required");
        }
    }

    private static Integer limit(final JsonNode request, final String field, final Integer otherwise, final int minimum) {
        final JsonNode node = request.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return otherwise;
        }
        if (!node.canConvertToInt() || node.asInt() < minimum) {
            throw new BadRequest(400, "integer_below_min_value", "Invalid '" + field + "': expected an integer >= " + minimum + ", got " + node);
        }
        return node.asInt();
    }

    /** Anthropic caches only when asked: {@code cache_control} at the top level or on a tool, system or message block. */
    private static boolean asksForCache(final JsonNode request) {
        if (request.has("cache_control")) {
            return true;
        }
        for (final String section : new String[] {"tools", "system", "messages"}) {
            for (final JsonNode item : request.path(section)) {
                if (item.has("cache_control")) {
                    return true;
                }
                for (final JsonNode block : item.path("content")) {
                    if (block.has("cache_control")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
