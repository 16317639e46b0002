package dev.zumik.sim.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.core.prompt.Dialect;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.List;

/**
 * Anthropic's Messages API: {@code input_tokens} excludes cache reads and writes, which are reported
 * as {@code cache_read_input_tokens} and {@code cache_creation_input_tokens}; streams are named
 * events from {@code message_start} to {@code message_stop}, with no {@code [DONE]}. GPU runtimes that
 * serve /v1/messages use the same shape.
 */
final class AnthropicWire implements Wire {

    @Override
    public String id(final Dialect api, final long sequence, final long created) {
        return "msg_" + Wire.idSuffix(sequence, created);
    }

    @Override
    public String body(final Reply reply, final String text, final Usage usage, final boolean finishLength) {
        final ObjectNode message = message(reply, usage, usage.completionTokens());
        message.putArray("content").addObject().put("type", "text").put("text", text);
        message.put("stop_reason", finishLength ? "max_tokens" : "end_turn").putNull("stop_sequence");
        return message.toString();
    }

    @Override
    public String streamOpen(final Reply reply, final Usage usage) {
        final ObjectNode start = Json.object().put("type", "message_start");
        final ObjectNode message = message(reply, usage, 1);
        message.putArray("content");
        message.putNull("stop_reason").putNull("stop_sequence");
        start.set("message", message);
        final ObjectNode blockStart = Json.object().put("type", "content_block_start").put("index", 0);
        blockStart.putObject("content_block").put("type", "text").put("text", "");
        return Json.sse("message_start", start) + Json.sse("content_block_start", blockStart)
                + Json.sse("ping", Json.object().put("type", "ping"));
    }

    @Override
    public String streamToken(final Reply reply, final String token) {
        return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                + Json.quote(token) + "}}\n\n";
    }

    @Override
    public String streamClose(final Reply reply, final Usage usage, final boolean finishLength) {
        final ObjectNode delta = Json.object().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", finishLength ? "max_tokens" : "end_turn").putNull("stop_sequence");
        delta.putObject("usage").put("output_tokens", usage.completionTokens());
        return Json.sse("content_block_stop", Json.object().put("type", "content_block_stop").put("index", 0))
                + Json.sse("message_delta", delta)
                + Json.sse("message_stop", Json.object().put("type", "message_stop"));
    }

    @Override
    public String error(final int status, final String message, final String code, final MultiMap headers) {
        if (status == 429) {
            headers.set("retry-after", "1");
        }
        final ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type(status)).put("message", message);
        body.put("request_id", "req_" + Long.toHexString(System.nanoTime()));
        return body.toString();
    }

    @Override
    public String models(final List<String> models, final int contextTokens, final long created) {
        final ObjectNode list = Json.object();
        final ArrayNode data = list.putArray("data");
        for (final String model : models) {
            data.addObject().put("type", "model").put("id", model).put("display_name", model)
                    .put("created_at", Instant.ofEpochSecond(created).toString());
        }
        list.put("has_more", false).put("first_id", models.get(0)).put("last_id", models.get(models.size() - 1));
        return list.toString();
    }

    private static ObjectNode message(final Reply reply, final Usage usage, final long outputTokens) {
        final ObjectNode message = Json.object().put("id", reply.id()).put("type", "message").put("role", "assistant").put("model", reply.model());
        final ObjectNode u = Json.object()
                .put("input_tokens", usage.promptTokens() - usage.cachedTokens() - usage.cacheWriteTokens())
                .put("cache_creation_input_tokens", usage.cacheWriteTokens())
                .put("cache_read_input_tokens", usage.cachedTokens())
                .put("output_tokens", outputTokens);
        u.putObject("cache_creation").put("ephemeral_5m_input_tokens", usage.cacheWriteTokens()).put("ephemeral_1h_input_tokens", 0);
        u.put("service_tier", "standard");
        message.set("usage", u);
        return message;
    }

    private static String type(final int status) {
        return switch (status) {
            case 400, 413, 422 -> status == 413 ? "request_too_large" : "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            case 504 -> "timeout_error";
            default -> "api_error";
        };
    }
}
