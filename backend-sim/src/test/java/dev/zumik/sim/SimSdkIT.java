package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zumik.sim.http.SimServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI and Anthropic SDKs (npm, versions locked in sdk-conformance/package-lock.json) read
 * the simulator's JSON bodies, SSE streams, usage with cached tokens and errors with their own parsers.
 * Skipped, with the reason, where node or the packages are missing ({@code npm ci --prefix sdk-conformance}
 * installs them; .ci/run does).
 */
class SimSdkIT {
    private static final Path NODE_DIR = Path.of("../sdk-conformance");

    @Test
    void shouldBeReadByTheOfficialSdks() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/openai"))
                        && Files.isDirectory(NODE_DIR.resolve("node_modules/@anthropic-ai/sdk")),
                "skipped: run npm ci --prefix sdk-conformance to install the official SDKs");
        try (SimServer openai = SimServer.start(TestProfiles.fast("managed-openai"), "127.0.0.1", 0);
             SimServer anthropic = SimServer.start(TestProfiles.fast("managed-anthropic"), "127.0.0.1", 0)) {
            // when
            final Process node = new ProcessBuilder("node", "sim_check.mjs", "http://127.0.0.1:" + openai.port(),
                    "http://127.0.0.1:" + anthropic.port()).directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
            final String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).as(output).isZero();
            final Map<String, JsonNode> calls = new HashMap<>();
            for (final String line : output.lines().filter(l -> l.startsWith("{")).toList()) {
                final JsonNode call = SimClient.JSON.readTree(line);
                calls.put(call.path("call").asText(), call);
            }
            // then: the SDKs parsed usage, cached tokens, streamed text and errors
            assertThat(calls.get("openai-cold").at("/usage/prompt_tokens_details/cached_tokens").asInt()).isZero();
            assertThat(calls.get("openai-warm").at("/usage/prompt_tokens_details/cached_tokens").asInt()).isGreaterThanOrEqualTo(1024);
            assertThat(calls.get("openai-stream").at("/usage/completion_tokens").asInt()).isBetween(1, 12);
            assertThat(calls.get("openai-stream").path("text").asText()).isNotEmpty();
            assertThat(calls.get("openai-completion").at("/usage/prompt_tokens").asInt()).isEqualTo(5);
            assertThat(calls.get("openai-error").path("status").asInt()).isEqualTo(429);
            assertThat(calls.get("openai-error").path("type").asText()).isEqualTo("RateLimitError");
            assertThat(calls.get("anthropic-json").at("/usage/cache_creation_input_tokens").asInt()).isPositive();
            assertThat(calls.get("anthropic-stream").at("/usage/cache_read_input_tokens").asInt()).isPositive();
            assertThat(calls.get("anthropic-stream").path("text").asText()).isNotEmpty();
            assertThat(calls.get("anthropic-error").path("status").asInt()).isEqualTo(529);
            assertThat(calls.get("anthropic-error").path("error").asText()).isEqualTo("overloaded_error");
        }
    }
}
