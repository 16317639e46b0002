package dev.zumik.core.prompt;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Renders the prompt of a request deterministically, in the order providers cache it: tools, then
 * system/instructions, then messages in order. Equal leading parts of two requests render to equal
 * leading text, so their leading token blocks hash alike. Non-text parts (images, tool calls) are
 * rendered as their JSON, which is deterministic for the same input.
 */
public final class PromptRenderer {
    private static final char SECTION = '\u0001';
    private static final char ROLE = '\u0002';

    private PromptRenderer() { }

    public static String render(final Dialect dialect, final JsonNode request) {
        final StringBuilder out = new StringBuilder(4096);
        render(dialect, request, out);
        return out.toString();
    }

    /**
     * As {@link #render(Dialect, JsonNode)}, appended to {@code out}: a caller that renders many prompts reuses one
     * buffer, where a new one would be allocated for every prompt (and, for a long one, doubled its way up).
     */
    public static void render(final Dialect dialect, final JsonNode request, final StringBuilder out) {
        switch (dialect) {
            case OPENAI_CHAT -> {
                section(out, "tools", request.path("tools"));
                messages(out, request.path("messages"));
            }
            case ANTHROPIC_MESSAGES -> {
                section(out, "tools", request.path("tools"));
                if (!request.path("system").isMissingNode()) {
                    out.append(SECTION).append("system").append(ROLE);
                    content(out, request.path("system"));
                }
                messages(out, request.path("messages"));
            }
            case OPENAI_RESPONSES -> {
                section(out, "tools", request.path("tools"));
                if (request.path("instructions").isTextual()) {
                    out.append(SECTION).append("instructions").append(ROLE).append(request.path("instructions").asText());
                }
                final JsonNode input = request.path("input");
                if (input.isTextual()) {
                    out.append(SECTION).append("user").append(ROLE).append(input.asText());
                } else {
                    messages(out, input);
                }
            }
            case OPENAI_COMPLETIONS -> texts(out, request.path("prompt"));
            case OPENAI_EMBEDDINGS -> texts(out, request.path("input"));
            default -> throw new IllegalArgumentException("no renderer for " + dialect);
        }
    }

    private static void section(final StringBuilder out, final String name, final JsonNode node) {
        if (node.isArray() && !node.isEmpty()) {
            out.append(SECTION).append(name).append(ROLE);
            for (final JsonNode item : node) {
                out.append(item.toString());
            }
        }
    }

    private static void messages(final StringBuilder out, final JsonNode messages) {
        for (final JsonNode message : messages) {
            out.append(SECTION).append(message.path("role").asText(message.path("type").asText("item"))).append(ROLE);
            if (message.has("content")) {
                content(out, message.path("content"));
            } else {
                out.append(message.toString());
            }
            for (final String extra : new String[] {"tool_calls", "tool_call_id", "name"}) {
                if (message.has(extra)) {
                    out.append(message.path(extra).toString());
                }
            }
        }
    }

    private static void content(final StringBuilder out, final JsonNode content) {
        if (content.isTextual()) {
            out.append(content.asText());
        } else if (content.isArray()) {
            for (final JsonNode part : content) {
                final JsonNode text = part.path("text");
                if (text.isTextual()) {
                    out.append(text.asText());
                } else {
                    out.append(part.toString());
                }
            }
        } else if (!content.isNull() && !content.isMissingNode()) {
            out.append(content.toString());
        }
    }

    /** A string, or an array of strings, as one text (token-id arrays are handled by the parser). */
    private static void texts(final StringBuilder out, final JsonNode node) {
        if (node.isTextual()) {
            out.append(node.asText());
        } else if (node.isArray()) {
            boolean first = true;
            for (final JsonNode item : node) {
                if (!first) {
                    out.append(SECTION);
                }
                out.append(item.isTextual() ? item.asText() : item.toString());
                first = false;
            }
        }
    }

    /**
     * The prompt's token ids when a completions or embeddings request sent integers instead of text
     * (one array, or the first of an array of arrays), else null.
     */
    public static int[] tokenIds(final Dialect dialect, final JsonNode request) {
        return switch (dialect) {
            case OPENAI_COMPLETIONS -> ids(request.path("prompt"));
            case OPENAI_EMBEDDINGS -> ids(request.path("input"));
            default -> null;
        };
    }

    private static int[] ids(final JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            return null;
        }
        if (node.get(0).isInt()) {
            final int[] ids = new int[node.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = node.get(i).asInt();
            }
            return ids;
        }
        if (node.get(0).isArray() && !node.get(0).isEmpty() && node.get(0).get(0).isInt()) {
            return ids(node.get(0));
        }
        return null;
    }
}
