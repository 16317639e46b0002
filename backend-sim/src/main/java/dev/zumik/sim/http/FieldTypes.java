package dev.zumik.sim.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zumik.core.prompt.Dialect;
import java.util.Map;

/**
 * The JSON types of the request fields the simulated APIs document. A field of the wrong type is the 400
 * OpenAI answers ("Invalid type for 'stream': expected a boolean, but got a string instead.", code
 * {@code invalid_type}), never a 200 that silently reads it as its default.
 */
final class FieldTypes {
    private enum Kind {
        BOOLEAN("a boolean"), INTEGER("an integer"), NUMBER("a number"), STRING("a string"), OBJECT("an object"), ARRAY("an array"),
        STRING_OR_ARRAY("a string or an array");

        final String phrase;

        Kind(final String phrase) {
            this.phrase = phrase;
        }

        boolean accepts(final JsonNode node) {
            return switch (this) {
                case BOOLEAN -> node.isBoolean();
                case INTEGER -> node.isIntegralNumber() || node.isNumber() && node.asDouble() == Math.rint(node.asDouble());
                case NUMBER -> node.isNumber();
                case STRING -> node.isTextual();
                case OBJECT -> node.isObject();
                case ARRAY -> node.isArray();
                case STRING_OR_ARRAY -> node.isTextual() || node.isArray();
            };
        }
    }

    /** Fields every API here shares; null is taken as absent, as the APIs do. */
    private static final Map<String, Kind> COMMON = Map.ofEntries(Map.entry("stream", Kind.BOOLEAN), Map.entry("stream_options", Kind.OBJECT),
            Map.entry("temperature", Kind.NUMBER), Map.entry("top_p", Kind.NUMBER), Map.entry("max_tokens", Kind.INTEGER),
            Map.entry("stop", Kind.STRING_OR_ARRAY), Map.entry("metadata", Kind.OBJECT), Map.entry("min_tokens", Kind.INTEGER),
            Map.entry("ignore_eos", Kind.BOOLEAN), Map.entry("model", Kind.STRING));
    private static final Map<String, Kind> OPENAI = Map.ofEntries(Map.entry("n", Kind.INTEGER), Map.entry("seed", Kind.INTEGER),
            Map.entry("user", Kind.STRING), Map.entry("max_completion_tokens", Kind.INTEGER), Map.entry("frequency_penalty", Kind.NUMBER),
            Map.entry("presence_penalty", Kind.NUMBER), Map.entry("logprobs", Kind.BOOLEAN), Map.entry("tools", Kind.ARRAY),
            Map.entry("prompt_cache_key", Kind.STRING), Map.entry("messages", Kind.ARRAY));
    private static final Map<String, Kind> ANTHROPIC = Map.of("system", Kind.STRING_OR_ARRAY, "top_k", Kind.INTEGER, "tools", Kind.ARRAY,
            "messages", Kind.ARRAY, "stop_sequences", Kind.ARRAY);

    private FieldTypes() { }

    /** Throws the runtime's 400 for the first field of the wrong type, messages and their roles and contents included. */
    static void check(final Dialect api, final JsonNode request) {
        checkAll(request, COMMON, "");
        checkAll(request, api == Dialect.ANTHROPIC_MESSAGES ? ANTHROPIC : OPENAI, "");
        if (api == Dialect.OPENAI_COMPLETIONS) {
            final JsonNode prompt = request.path("prompt");
            if (!prompt.isMissingNode() && !prompt.isNull() && !Kind.STRING_OR_ARRAY.accepts(prompt)) {
                throw invalid("prompt", Kind.STRING_OR_ARRAY, prompt);
            }
        }
        final JsonNode messages = request.path("messages");
        for (int i = 0; messages.isArray() && i < messages.size(); i++) {
            final JsonNode message = messages.get(i);
            final String at = "messages[" + i + "]";
            if (!message.isObject()) {
                throw invalid(at, Kind.OBJECT, message);
            }
            checkAll(message, Map.of("role", Kind.STRING, "name", Kind.STRING), at + ".");
            final JsonNode content = message.path("content");
            if (!content.isMissingNode() && !content.isNull() && !Kind.STRING_OR_ARRAY.accepts(content)) {
                throw invalid(at + ".content", Kind.STRING_OR_ARRAY, content);
            }
        }
    }

    private static void checkAll(final JsonNode object, final Map<String, Kind> fields, final String prefix) {
        for (final Map.Entry<String, Kind> field : fields.entrySet()) {
            final JsonNode value = object.path(field.getKey());
            if (!value.isMissingNode() && !value.isNull() && !field.getValue().accepts(value)) {
                throw invalid(prefix + field.getKey(), field.getValue(), value);
            }
        }
    }

    private static RequestReader.BadRequest invalid(final String param, final Kind expected, final JsonNode got) {
        return new RequestReader.BadRequest(400, "invalid_type", "Invalid type for '" + param + "': expected " + expected.phrase
                + ", but got " + typeOf(got) + " instead.");
    }

    private static String typeOf(final JsonNode node) {
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isIntegralNumber()) {
            return "an integer";
        }
        if (node.isNumber()) {
            return "a decimal";
        }
        return node.isArray() ? "an array" : node.isObject() ? "an object" : "null";
    }
}
