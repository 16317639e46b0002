package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.core.tokens.Tokenizers;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.backend.Runtime;
import dev.zumik.replay.synth.PromptSynthesizer;
import dev.zumik.replay.synth.RequestBodies;
import dev.zumik.schemas.avro.RequestShape;
import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromptSynthesizerTest {
    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void shouldGiveEqualHashesIdenticalContentAndDifferentHashesDifferentContent() {
        // given two requests sharing 2,048 of 2,560 tokens (32 blocks of 64)
        final List<RequestShape> shapes = Workloads.sharedPrefix(Workloads.lane("openai", "gpt-4.1"), T, 2, 1, 2048, 512, 10, 5);
        // when
        final int[] a = PromptSynthesizer.tokenIds(shapes.get(0), 7);
        final int[] b = PromptSynthesizer.tokenIds(shapes.get(1), 7);
        // then
        assertThat(a).hasSize(2560);
        assertThat(Arrays.copyOf(a, 2048)).isEqualTo(Arrays.copyOf(b, 2048));
        assertThat(Arrays.copyOfRange(a, 2048, 2112)).isNotEqualTo(Arrays.copyOfRange(b, 2048, 2112));
        assertThat(PromptSynthesizer.tokenIds(shapes.get(0), 7)).isEqualTo(a);
    }

    @Test
    void shouldShareNoBlockBetweenTwoSaltsOfTheSameWindow() {
        // given a window whose requests share a 2,048-token prefix
        final List<RequestShape> shapes = Workloads.sharedPrefix(Workloads.lane("openai", "gpt-4.1"), T, 20, 1, 2048, 512, 10, 5);
        // when its prompts are synthesized under two salts, as two repetitions or two attempts are
        final Set<Integer> first = new HashSet<>();
        final Set<Integer> second = new HashSet<>();
        for (final RequestShape shape : shapes) {
            final int[] a = PromptSynthesizer.tokenIds(shape, 1);
            final int[] b = PromptSynthesizer.tokenIds(shape, 2);
            for (int block = 0; block < a.length / 64; block++) {
                first.add(Arrays.hashCode(Arrays.copyOfRange(a, block * 64, block * 64 + 64)));
                second.add(Arrays.hashCode(Arrays.copyOfRange(b, block * 64, block * 64 + 64)));
            }
            // then each salt still shares the captured prefix across requests
            assertThat(Arrays.copyOf(a, 2048)).isEqualTo(Arrays.copyOf(PromptSynthesizer.tokenIds(shapes.get(0), 1), 2048));
        }
        // and no 64-token block of one salt's prompts appears among the other's
        assertThat(first).hasSize(32 + 20 * 8).doesNotContainAnyElementsOf(second);
    }

    @Test
    void shouldBuildTextThatTokenizesToTheTargetLengthWithTheSharedPrefixAsText() {
        final List<RequestShape> shapes = Workloads.sharedPrefix(Workloads.lane("openai", "gpt-4.1"), T, 2, 1, 1024, 300, 10, 6);
        final String a = PromptSynthesizer.text(shapes.get(0), 7);
        final String b = PromptSynthesizer.text(shapes.get(1), 7);
        assertThat(Tokenizers.encode(Tokenizers.O200K, a)).hasSize(1324);
        assertThat(Tokenizers.encode(Tokenizers.CL100K, a)).hasSize(1324);
        final int common = commonPrefix(a, b);
        assertThat(Tokenizers.encode(Tokenizers.O200K, a.substring(0, common)).length).isBetween(1024, 1030);
    }

    @Test
    void shouldAskGpuRuntimesForExactOutputAndManagedApisForTheirCachingAtItsBest() throws Exception {
        final RequestShape shape = Workloads.sharedPrefix(Workloads.lane("openai", "gpt-4.1"), T, 1, 1, 128, 0, 42, 7).get(0);
        final ObjectMapper json = new ObjectMapper();
        final JsonNode dynamo = json.readTree(RequestBodies.body(new Backend("c", URI.create("http://h:1"), Runtime.DYNAMO, "m", null), shape, 7));
        assertThat(dynamo.path("prompt")).hasSize(128);
        assertThat(dynamo.path("max_tokens").asInt()).isEqualTo(42);
        assertThat(dynamo.path("min_tokens").asInt()).isEqualTo(42);
        assertThat(dynamo.path("ignore_eos").asBoolean()).isTrue();
        assertThat(dynamo.path("nvext").path("ignore_eos").asBoolean()).isTrue();
        assertThat(dynamo.path("stream_options").path("include_usage").asBoolean()).isTrue();
        final JsonNode anthropic = json.readTree(RequestBodies.body(new Backend("b", URI.create("https://h"), Runtime.ANTHROPIC, "claude", "k"),
                shape, 7));
        assertThat(anthropic.path("max_tokens").asInt()).isEqualTo(42);
        assertThat(anthropic.path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        // a captured Anthropic request that did not ask for caching is replayed without it
        final RequestShape uncached = Workloads.sharedPrefix(Workloads.lane("anthropic", "claude"), T, 1, 1, 128, 0, 42, 7).get(0);
        uncached.setCacheControl(false);
        assertThat(json.readTree(RequestBodies.body(new Backend("b", URI.create("https://h"), Runtime.ANTHROPIC, "claude", "k"), uncached, 7))
                .has("cache_control")).isFalse();
        assertThat(anthropic.path("messages").get(0).path("content").asText()).hasSizeGreaterThan(128);
        final JsonNode openai = json.readTree(RequestBodies.body(new Backend("b", URI.create("https://h/v1"), Runtime.OPENAI, "gpt-4.1", "k"),
                shape, 7));
        assertThat(openai.path("max_completion_tokens").asInt()).isEqualTo(42);
        assertThat(openai.has("ignore_eos")).isFalse();
    }

    @Test
    void shouldJoinBaseUrlsWithOrWithoutV1AndKeepDeploymentPrefixes() {
        assertThat(new Backend("b", URI.create("https://api.openai.com/v1"), Runtime.OPENAI, "m", null).path()).isEqualTo("/v1/chat/completions");
        assertThat(new Backend("b", URI.create("https://api.anthropic.com"), Runtime.ANTHROPIC, "m", null).path()).isEqualTo("/v1/messages");
        assertThat(new Backend("c", URI.create("http://kserve/openai/"), Runtime.VLLM, "m", null).path()).isEqualTo("/openai/v1/completions");
    }

    private static int commonPrefix(final String a, final String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
