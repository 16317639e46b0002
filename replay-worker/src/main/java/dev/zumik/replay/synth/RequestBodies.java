package dev.zumik.replay.synth;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.backend.Runtime;
import dev.zumik.schemas.avro.RequestShape;
import java.nio.charset.StandardCharsets;

/**
 * The streamed request body a backend gets for one shape. Output length: {@code max_tokens} = the
 * captured completion tokens; GPU runtimes are also told {@code min_tokens} and {@code ignore_eos}
 * (Dynamo's in {@code nvext} too) so they generate exactly that many. Streaming usage is always
 * asked for, so cached tokens come back. Anthropic requests carry top-level {@code cache_control}
 * where the captured request asked for caching, or where the capture does not say (a trace): the
 * baseline gets the caching production used, at its best, so a MOVE is never the artefact of a
 * badly cached baseline, and never bought by caching production did not ask for either.
 */
public final class RequestBodies {
    private RequestBodies() { }

    /** The output tokens asked for: the captured count, at least one. */
    public static int outputTokens(final RequestShape shape) {
        return Math.max(1, shape.getCompletionTokens());
    }

    public static byte[] body(final Backend backend, final RequestShape shape, final long salt) {
        final int output = outputTokens(shape);
        final StringBuilder json = new StringBuilder(PromptSynthesizer.targetTokens(shape) * 6 + 256);
        json.append("{\"model\":\"").append(JsonStringEncoder.getInstance().quoteAsString(backend.model())).append('"');
        final Runtime runtime = backend.runtime();
        switch (runtime) {
            case OPENAI -> {
                json.append(",\"messages\":[{\"role\":\"user\",\"content\":\"").append(PromptSynthesizer.text(shape, salt)).append("\"}]");
                json.append(",\"max_completion_tokens\":").append(output);
                json.append(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
            }
            case ANTHROPIC -> {
                json.append(",\"max_tokens\":").append(output);
                json.append(",\"messages\":[{\"role\":\"user\",\"content\":\"").append(PromptSynthesizer.text(shape, salt)).append("\"}]");
                json.append(Boolean.FALSE.equals(shape.getCacheControl()) ? "" : ",\"cache_control\":{\"type\":\"ephemeral\"}")
                        .append(",\"stream\":true");
            }
            case VLLM, SGLANG, DYNAMO -> {
                json.append(",\"prompt\":[");
                final int[] ids = PromptSynthesizer.tokenIds(shape, salt);
                for (int i = 0; i < ids.length; i++) {
                    if (i > 0) {
                        json.append(',');
                    }
                    json.append(ids[i]);
                }
                json.append("],\"max_tokens\":").append(output).append(",\"min_tokens\":").append(output).append(",\"ignore_eos\":true");
                if (runtime == Runtime.DYNAMO) {
                    json.append(",\"nvext\":{\"ignore_eos\":true}");
                }
                json.append(",\"stream\":true,\"stream_options\":{\"include_usage\":true}");
            }
            default -> throw new IllegalStateException("unhandled runtime " + runtime);
        }
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
