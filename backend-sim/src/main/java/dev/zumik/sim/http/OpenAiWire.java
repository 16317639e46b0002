package dev.zumik.sim.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.core.prompt.Dialect;
import dev.zumik.sim.profile.WireDialect;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.MultiMap;
import java.util.List;

/**
 * Chat Completions and Completions as OpenAI, vLLM, SGLang and Dynamo's frontend write them. They
 * differ in the usage object (whether {@code prompt_tokens_details.cached_tokens} appears at 0),
 * error bodies (OpenAI: nested, string code; vLLM: nested, integer code; SGLang: flat
 * {@code object:"error"}; Dynamo: flat with the reason phrase as type) and model cards.
 */
final class OpenAiWire implements Wire {
    private final WireDialect flavor;

    OpenAiWire(final WireDialect flavor) {
        if (flavor == WireDialect.ANTHROPIC) {
            throw new IllegalArgumentException("not an OpenAI-style wire: " + flavor);
        }
        this.flavor = flavor;
    }

    @Override
    public String id(final Dialect api, final long sequence, final long created) {
        final String prefix = api == Dialect.OPENAI_CHAT ? "chatcmpl-" : "cmpl-";
        return prefix + Wire.idSuffix(sequence, created);
    }

    @Override
    public String body(final Reply reply, final String text, final Usage usage, final boolean finishLength) {
        final ObjectNode body = head(reply, false);
        final ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        if (reply.api() == Dialect.OPENAI_CHAT) {
            final ObjectNode message = choice.putObject("message").put("role", "assistant").put("content", text);
            if (flavor == WireDialect.OPENAI) {
                message.putNull("refusal");
                message.putArray("annotations");
            }
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs").put("finish_reason", finishLength ? "length" : "stop");
        if (flavor == WireDialect.VLLM || flavor == WireDialect.SGLANG) {
            choice.putNull("stop_reason");
        }
        body.set("usage", usage(usage, false));
        if (flavor == WireDialect.OPENAI && reply.api() == Dialect.OPENAI_CHAT) {
            body.put("service_tier", "default").putNull("system_fingerprint");
        }
        return body.toString();
    }

    @Override
    public String streamOpen(final Reply reply, final Usage usage) {
        if (reply.api() != Dialect.OPENAI_CHAT) {
            return "";
        }
        final ObjectNode chunk = head(reply, true);
        chunk.putArray("choices").addObject().put("index", 0).set("delta", Json.object().put("role", "assistant").put("content", ""));
        ((ObjectNode) chunk.get("choices").get(0)).putNull("logprobs").putNull("finish_reason");
        usageNull(reply, chunk);
        return Json.sse(chunk);
    }

    @Override
    public String streamToken(final Reply reply, final String token) {
        // the hot path: one event per token per stream, built as text
        final StringBuilder out = new StringBuilder(256).append("data: {\"id\":\"").append(reply.id()).append("\",\"object\":\"")
                .append(object(reply, true)).append("\",\"created\":").append(reply.created()).append(",\"model\":")
                .append(Json.quote(reply.model())).append(",\"choices\":[{\"index\":0,");
        if (reply.api() == Dialect.OPENAI_CHAT) {
            out.append("\"delta\":{\"content\":").append(Json.quote(token)).append('}');
        } else {
            out.append("\"text\":").append(Json.quote(token));
        }
        out.append(",\"logprobs\":null,\"finish_reason\":null}]");
        if (reply.includeUsage() && flavor == WireDialect.OPENAI) {
            out.append(",\"usage\":null");
        }
        return out.append("}\n\n").toString();
    }

    @Override
    public String streamClose(final Reply reply, final Usage usage, final boolean finishLength) {
        final ObjectNode finish = head(reply, true);
        final ObjectNode choice = finish.putArray("choices").addObject().put("index", 0);
        if (reply.api() == Dialect.OPENAI_CHAT) {
            choice.putObject("delta");
        } else {
            choice.put("text", "");
        }
        choice.putNull("logprobs").put("finish_reason", finishLength ? "length" : "stop");
        usageNull(reply, finish);
        final StringBuilder out = new StringBuilder(Json.sse(finish));
        if (reply.includeUsage()) {
            final ObjectNode last = head(reply, true);
            last.putArray("choices");
            last.set("usage", usage(usage, true));
            out.append(Json.sse(last));
        }
        return out.append("data: [DONE]\n\n").toString();
    }

    @Override
    public String error(final int status, final String message, final String code, final MultiMap headers) {
        final String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
        return switch (flavor) {
            case OPENAI -> {
                if (status == 429) {
                    headers.set("retry-after", "1");
                }
                final ObjectNode error = Json.object();
                error.putObject("error").put("message", message).put("type", openAiType(status)).putNull("param").put("code", code);
                yield error.toString();
            }
            case VLLM -> {
                final ObjectNode error = Json.object();
                error.putObject("error").put("message", message).put("type", className(status)).putNull("param").put("code", status);
                yield error.toString();
            }
            case SGLANG -> Json.object().put("object", "error").put("message", message).put("type", className(status)).putNull("param")
                    .put("code", status).toString();
            case DYNAMO -> Json.object().put("message", message).put("type", reason).put("code", status).toString();
            case ANTHROPIC -> throw new IllegalStateException("unreachable");
        };
    }

    @Override
    public String models(final List<String> models, final int contextTokens, final long created) {
        final ObjectNode list = Json.object().put("object", "list");
        final ArrayNode data = list.putArray("data");
        for (final String model : models) {
            final ObjectNode card = data.addObject().put("id", model).put("object", flavor == WireDialect.DYNAMO ? "object" : "model")
                    .put("created", created);
            switch (flavor) {
                case OPENAI -> card.put("owned_by", "system");
                case VLLM -> {
                    card.put("owned_by", "vllm").put("root", model).putNull("parent").put("max_model_len", contextTokens);
                    card.putArray("permission").addObject().put("id", "modelperm-" + Integer.toHexString(model.hashCode()))
                            .put("object", "model_permission").put("created", created).put("allow_create_engine", false)
                            .put("allow_sampling", true).put("allow_logprobs", true).put("allow_search_indices", false)
                            .put("allow_view", true).put("allow_fine_tuning", false).put("organization", "*").putNull("group")
                            .put("is_blocking", false);
                }
                case SGLANG -> card.put("owned_by", "sglang").put("root", model).put("max_model_len", contextTokens);
                case DYNAMO -> card.put("owned_by", "nvidia");
                case ANTHROPIC -> throw new IllegalStateException("unreachable");
            }
        }
        return list.toString();
    }

    private ObjectNode head(final Reply reply, final boolean chunk) {
        return Json.object().put("id", reply.id()).put("object", object(reply, chunk)).put("created", reply.created()).put("model", reply.model());
    }

    private static String object(final Reply reply, final boolean chunk) {
        if (reply.api() == Dialect.OPENAI_CHAT) {
            return chunk ? "chat.completion.chunk" : "chat.completion";
        }
        return "text_completion";
    }

    /** OpenAI writes {@code "usage":null} on every chunk before the usage chunk when usage was asked for. */
    private void usageNull(final Reply reply, final ObjectNode chunk) {
        if (reply.includeUsage() && flavor == WireDialect.OPENAI) {
            chunk.putNull("usage");
        }
    }

    /** The usage object; {@code streamed} matters to vLLM, which omits zero cached tokens from stream chunks. */
    private ObjectNode usage(final Usage usage, final boolean streamed) {
        final ObjectNode out = Json.object().put("prompt_tokens", usage.promptTokens()).put("completion_tokens", usage.completionTokens())
                .put("total_tokens", usage.promptTokens() + usage.completionTokens());
        switch (flavor) {
            case OPENAI -> {
                out.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens()).put("audio_tokens", 0);
                out.putObject("completion_tokens_details").put("reasoning_tokens", 0).put("audio_tokens", 0)
                        .put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
            }
            case VLLM, SGLANG -> {
                if (usage.cachedTokens() > 0) {
                    out.putObject("prompt_tokens_details").put("cached_tokens", usage.cachedTokens());
                } else if (!streamed || flavor == WireDialect.SGLANG) {
                    out.putNull("prompt_tokens_details");
                }
                if (flavor == WireDialect.SGLANG) {
                    out.put("reasoning_tokens", 0);
                }
            }
            case DYNAMO -> out.putObject("prompt_tokens_details").putNull("audio_tokens").put("cached_tokens", usage.cachedTokens());
            case ANTHROPIC -> throw new IllegalStateException("unreachable");
        }
        return out;
    }

    private static String openAiType(final int status) {
        return switch (status) {
            case 400, 404, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 429 -> "requests";
            default -> "server_error";
        };
    }

    /** vLLM and SGLang name error types after the OpenAI SDK's exception classes. */
    private static String className(final int status) {
        return switch (status) {
            case 400 -> "BadRequestError";
            case 401 -> "AuthenticationError";
            case 404 -> "NotFoundError";
            case 413, 422 -> "UnprocessableEntityError";
            case 429 -> "RateLimitError";
            case 503 -> "ServiceUnavailableError";
            default -> "InternalServerError";
        };
    }
}
