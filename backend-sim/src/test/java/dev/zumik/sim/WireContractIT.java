package dev.zumik.sim;

import static dev.zumik.sim.Shapes.assertSameShape;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zumik.sim.http.SimServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each profile's responses against fixtures written from the runtime's documented format (fixtures/README.md). */
class WireContractIT {
    /** A 1,100-word system prompt: over the managed 1,024-token minimum. */
    private static final String LONG = "word ".repeat(1100);

    private static String fixture(final String path) throws IOException {
        try (InputStream in = WireContractIT.class.getResourceAsStream("/fixtures/" + path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode json(final String path) throws IOException {
        return SimClient.JSON.readTree(fixture(path));
    }

    private static String chat(final String model, final String system, final String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"system\",\"content\":\"" + system
                + "\"},{\"role\":\"user\",\"content\":\"hello\"}]" + extra + "}";
    }

    private static void assertSameEvents(final List<SimClient.Event> expected, final List<SimClient.Event> actual) {
        final List<SimClient.Event> want = Shapes.collapse(expected);
        final List<SimClient.Event> got = Shapes.collapse(actual);
        assertThat(got.stream().map(SimClient.Event::name).toList()).isEqualTo(want.stream().map(SimClient.Event::name).toList());
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            if (want.get(i).data().startsWith("{")) {
                assertSameShape(want.get(i).json(), got.get(i).json());
            } else {
                assertThat(got.get(i).data()).isEqualTo(want.get(i).data());
            }
        }
    }

    @Test
    void shouldSpeakOpenAi() throws Exception {
        try (SimServer sim = SimServer.start(TestProfiles.fast("managed-openai"), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            // when: the same long prompt twice, then streamed with usage
            client.post("/v1/chat/completions", chat("gpt-4o", LONG, ""));
            final SimClient.Reply warm = client.post("/v1/chat/completions", chat("gpt-4o", LONG, ""));
            final SimClient.Reply stream = client.post("/v1/chat/completions",
                    chat("gpt-4o", LONG, ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
            final SimClient.Reply completion = client.post("/v1/completions", "{\"model\":\"gpt-4o\",\"prompt\":[1,2,3,4,5,6,7],\"max_tokens\":3}");
            final SimClient.Reply limited = client.post("/v1/chat/completions", chat("gpt-4o", "x", ""), "X-Zumik-Sim-Fault", "429");
            final SimClient.Reply models = client.get("/v1/models");
            // then
            assertSameShape(json("openai/chat.json"), warm.json());
            assertThat(warm.json().at("/usage/prompt_tokens_details/cached_tokens").asLong()).isPositive();
            assertSameEvents(SimClient.parseSse(fixture("openai/chat-stream.sse")), stream.events());
            assertThat(stream.cut()).isFalse();
            assertSameShape(json("openai/completion.json"), completion.json());
            assertThat(completion.json().at("/usage/prompt_tokens").asInt()).isEqualTo(7);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.headers().first("retry-after")).isEqualTo("1");
            assertSameShape(json("openai/error-429.json"), limited.json());
            assertSameShape(json("openai/models.json"), models.json());
        }
    }

    @Test
    void shouldSpeakVllm() throws Exception {
        try (SimServer sim = SimServer.start(TestProfiles.fast("vllm"), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            final String model = sim.profile().defaultModel();
            // when
            final SimClient.Reply cold = client.post("/v1/chat/completions", chat(model, "cold prompt", ""));
            client.post("/v1/chat/completions", chat(model, LONG, ""));
            final SimClient.Reply warm = client.post("/v1/chat/completions", chat(model, LONG, ""));
            final SimClient.Reply coldStream = client.post("/v1/chat/completions", chat(model, "another cold one", ",\"stream\":true,\"stream_options\":{}"));
            final SimClient.Reply missing = client.post("/v1/chat/completions", chat("x", "x", ""));
            final SimClient.Reply models = client.get("/v1/models");
            // then: cached tokens only when > 0 (null when not streaming, absent from the streamed usage)
            assertSameShape(json("vllm/usage-cold.json"), cold.json().get("usage"));
            assertSameShape(json("vllm/usage-warm.json"), warm.json().get("usage"));
            final List<SimClient.Event> events = coldStream.events();
            assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
            assertSameShape(json("vllm/usage-chunk-cold.json"), events.get(events.size() - 2).json().get("usage"));
            assertThat(missing.status()).isEqualTo(404);
            assertSameShape(json("vllm/error-404.json"), missing.json());
            assertSameShape(json("vllm/models.json"), models.json());
        }
    }

    @Test
    void shouldSpeakSglangAndDynamo() throws Exception {
        for (final String profile : new String[] {"sglang", "dynamo"}) {
            try (SimServer sim = SimServer.start(TestProfiles.fast(profile), "127.0.0.1", 0)) {
                final SimClient client = new SimClient(sim.port());
                final String model = sim.profile().defaultModel();
                client.post("/v1/chat/completions", chat(model, LONG, ""));
                final SimClient.Reply warm = client.post("/v1/chat/completions", chat(model, LONG, ""));
                final SimClient.Reply missing = client.post("/v1/chat/completions", chat("x", "x", ""));
                assertSameShape(json(profile + "/usage-warm.json"), warm.json().get("usage"));
                assertThat(missing.status()).isEqualTo(404);
                assertSameShape(json(profile + "/error-404.json"), missing.json());
                if (profile.equals("dynamo")) {
                    assertSameShape(json("dynamo/models.json"), client.get("/v1/models").json());
                }
            }
        }
    }

    @Test
    void shouldSpeakAnthropic() throws Exception {
        try (SimServer sim = SimServer.start(TestProfiles.fast("managed-anthropic"), "127.0.0.1", 0)) {
            final SimClient client = new SimClient(sim.port());
            final String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"system\":[{\"type\":\"text\",\"text\":\"" + LONG
                    + "\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
            // when
            final SimClient.Reply write = client.post("/v1/messages", body + "}", "anthropic-version", "2023-06-01");
            final SimClient.Reply read = client.post("/v1/messages", body + ",\"stream\":true}", "anthropic-version", "2023-06-01");
            final SimClient.Reply limited = client.post("/v1/messages", body + "}", "X-Zumik-Sim-Fault", "429");
            final SimClient.Reply chat = client.post("/v1/chat/completions", chat("claude-sonnet-4-5", "x", ""));
            // then
            assertSameShape(json("anthropic/message.json"), write.json());
            assertThat(write.json().at("/usage/cache_creation_input_tokens").asLong()).isPositive();
            assertSameEvents(SimClient.parseSse(fixture("anthropic/stream.sse")), read.events());
            assertThat(read.events().get(0).json().at("/message/usage/cache_read_input_tokens").asLong()).isPositive();
            assertSameShape(json("anthropic/error-429.json"), limited.json());
            assertThat(chat.status()).isEqualTo(404);
            assertSameShape(json("anthropic/models.json"), client.get("/v1/models").json());
        }
    }
}
