package dev.zumik.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI and Anthropic SDKs (npm: openai, @anthropic-ai/sdk, versions pinned in
 * sdk-conformance/package-lock.json) talk to an upstream through the proxy: their own parsers must read
 * the passed-through JSON, SSE streams and errors exactly as the upstream sent them (gzip-compressed,
 * since the SDKs accept gzip), and the proxy must shape both dialects. Skipped, with the reason, where node or the packages are missing
 * ({@code npm ci --prefix sdk-conformance} installs them; .ci/run does).
 */
@ExtendWith(LocalStackExtension.class)
class OfficialSdkIT {
    private static final Path NODE_DIR = Path.of("../sdk-conformance");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldServeTheOfficialSdksUnchangedAndShapeBothDialects(final LocalStack stack, @TempDir final Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/openai"))
                        && Files.isDirectory(NODE_DIR.resolve("node_modules/@anthropic-ai/sdk")),
                "skipped: run npm ci --prefix sdk-conformance to install the official SDKs");
        // given
        final String topic = LocalStack.uniqueTopic("sdk-shapes");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all().get();
        }
        try (ScriptedUpstream upstream = new ScriptedUpstream()) {
            final CaptureSettings settings = CaptureSettings.defaults(List.of(Upstream.parse(upstream.url()),
                    Upstream.parse("/anthropic=" + upstream.url() + ",provider=anthropic")), dir.resolve("keys")).withQueueBytes(8L << 20);
            try (CaptureAgent agent = CaptureAgent.start(settings, Map.of("bootstrap.servers", stack.bootstrapServers()),
                    Topics.create(stack.registryClient()).shapes().named(topic))) {
                // when
                final Process node = new ProcessBuilder("node", "proxy_check.mjs", "http://127.0.0.1:" + agent.port())
                        .directory(NODE_DIR.toFile()).start();
                final String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                final String err = new String(node.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(node.exitValue()).as("node failed: %s", err).isZero();
                final Map<String, JsonNode> calls = new HashMap<>();
                for (final String line : out.strip().split("\n")) {
                    final JsonNode call = JSON.readTree(line);
                    calls.put(call.path("call").asText(), call);
                }

                // then: what each SDK parsed is what the upstream sent
                assertThat(calls.get("openai-json").path("text").asText()).isEqualTo(ScriptedUpstream.CANARY_COMPLETION);
                assertThat(calls.get("openai-json").path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(1920);
                assertThat(calls.get("openai-stream").path("text").asText()).isEqualTo(ScriptedUpstream.CANARY_COMPLETION + " more");
                assertThat(calls.get("openai-stream").path("usage").path("prompt_tokens").asInt()).isEqualTo(1500);
                assertThat(calls.get("openai-error").path("status").asInt()).isEqualTo(429);
                assertThat(calls.get("openai-error").path("code").asText()).isEqualTo("rate_limit_exceeded");
                assertThat(calls.get("openai-error").path("type").asText()).isEqualTo("RateLimitError");
                assertThat(calls.get("anthropic-json").path("text").asText()).isEqualTo("Hi");
                assertThat(calls.get("anthropic-json").path("usage").path("cache_creation_input_tokens").asInt()).isEqualTo(188086);
                assertThat(calls.get("anthropic-stream").path("text").asText()).isEqualTo("Hi");
                assertThat(calls.get("anthropic-stream").path("usage").path("output_tokens").asInt()).isEqualTo(393);
                // the SDKs' own headers reached the upstream, credentials included
                final List<ScriptedUpstream.Received> requests = new ArrayList<>(upstream.received);
                assertThat(requests).anySatisfy(r -> assertThat(r.headers().get("x-api-key")).containsExactly("sk-ant-sdk-test"));
                assertThat(requests).anySatisfy(r -> assertThat(r.headers().get("Authorization")).containsExactly("Bearer sk-sdk-test"));
                // the SDKs accept gzip, so the upstream compressed every answer, as APIs behind a CDN do
                assertThat(requests).allSatisfy(r -> assertThat(r.headers().get("accept-encoding")).anySatisfy(v -> assertThat(v).contains("gzip")));

                agent.awaitShaped(Duration.ofSeconds(10));
                final List<RequestShape> shapes = TopicShapes.read(stack.bootstrapServers(), stack.registryClient(), topic, 5);
                assertThat(shapes).filteredOn(s -> s.getLane().getProvider().equals("anthropic")).hasSize(2)
                        .allSatisfy(s -> {
                            assertThat(s.getLane().getRoute()).isEqualTo("messages");
                            assertThat(s.getMaxTokens()).isEqualTo(256);
                        })
                        .anySatisfy(s -> assertThat(s.getPromptTokens()).isEqualTo(21 + 188086))
                        .anySatisfy(s -> assertThat(s.getCachedTokens()).isEqualTo(188086));
                assertThat(shapes).filteredOn(s -> s.getLane().getProvider().equals("openai-compatible")).hasSize(3)
                        .anySatisfy(s -> {
                            assertThat(s.getStream()).isTrue();
                            assertThat(s.getCachedTokens()).isEqualTo(1024);
                            // the first content token, in the second gzip-flushed chunk ~100 ms in
                            assertThat(s.getTtftMs()).isBetween(90.0, 190.0);
                        })
                        .anySatisfy(s -> assertThat(s.getHttpStatus()).isEqualTo(429));
            }
        }
    }
}
