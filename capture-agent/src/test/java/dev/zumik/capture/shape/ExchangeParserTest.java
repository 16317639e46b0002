package dev.zumik.capture.shape;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.core.prompt.Dialect;
import dev.zumik.core.prompt.PromptRenderer;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each dialect's documented wire format (fixtures follow each provider's API reference). */
class ExchangeParserTest {

    private static byte[] b(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadOpenAiChatUsageAndRequestFields() {
        // given
        final String request = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":50,\"service_tier\":\"flex\"}";
        final String response = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,\"total_tokens\":2306,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0}},\"service_tier\":\"default\"}";

        // when
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.OPENAI_CHAT, b(request), b(response));

        // then
        assertThat(parsed.parsed()).isTrue();
        assertThat(parsed.model()).isEqualTo("gpt-4o");
        assertThat(parsed.maxTokens()).isEqualTo(50);
        assertThat(parsed.serviceTier()).isEqualTo("default");
        assertThat(parsed.promptTokens()).isEqualTo(2006);
        assertThat(parsed.completionTokens()).isEqualTo(300);
        assertThat(parsed.cachedTokens()).isEqualTo(1920);
        assertThat(parsed.promptText()).contains("hi");
    }

    @Test
    void shouldRenderEachPromptAloneThoughTheThreadReusesItsBuffer() throws Exception {
        // given a long prompt with a non-Latin-1 character, then a short one, then a prompt past the buffer kept
        final String longRequest = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\""
                + "rules \u2014 ".repeat(2_000) + "\"},{\"role\":\"user\",\"content\":\"first\"}]}";
        final String shortRequest = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"second\"}]}";
        final String hugeRequest = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(1_100_000) + "\"}]}";
        final ObjectMapper json = new ObjectMapper();

        // when
        final String[] rendered = new String[4];
        int i = 0;
        for (final String request : new String[] {longRequest, shortRequest, hugeRequest, shortRequest}) {
            rendered[i++] = ExchangeParser.parse(Dialect.OPENAI_CHAT, b(request), null).promptText();
        }

        // then each is what a fresh render gives, with nothing left over from the one before
        assertThat(rendered[0]).isEqualTo(PromptRenderer.render(Dialect.OPENAI_CHAT, json.readTree(longRequest))).contains("\u2014");
        assertThat(rendered[1]).isEqualTo(PromptRenderer.render(Dialect.OPENAI_CHAT, json.readTree(shortRequest))).endsWith("second");
        assertThat(rendered[2]).hasSize(PromptRenderer.render(Dialect.OPENAI_CHAT, json.readTree(hugeRequest)).length());
        assertThat(rendered[3]).isEqualTo(rendered[1]);
    }

    @Test
    void shouldReadTheFinalUsageChunkOfAChatStreamAndFindTheFirstContent() {
        // given
        final String first = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],\"usage\":null}\n\n";
        final String second = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n";
        final String rest = "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,\"total_tokens\":2306,\"prompt_tokens_details\":{\"cached_tokens\":1920}}}\n\ndata: [DONE]\n\n";

        // when
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.OPENAI_CHAT,
                b("{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}"),
                b(first + second + rest));

        // then
        assertThat(parsed.stream()).isTrue();
        assertThat(parsed.promptTokens()).isEqualTo(2006);
        assertThat(parsed.cachedTokens()).isEqualTo(1920);
        assertThat(parsed.firstContentEnd()).isEqualTo(b(first + second).length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"reasoning_content\":\"Let me think\"}", "{\"reasoning\":\"Let me think\"}",
            "{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]}",
            "{\"refusal\":\"No.\"}"})
    void shouldTakeReasoningToolCallsAndRefusalsAsTheFirstContent(final String delta) {
        // given: a role-only chunk, then the first generated token of another kind than text
        final String first = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";
        final String second = "data: {\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}\n\n";

        // when
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.OPENAI_CHAT, b("{\"model\":\"m\",\"stream\":true,\"messages\":[]}"),
                b(first + second + "data: [DONE]\n\n"));

        // then
        assertThat(parsed.firstContentEnd()).isEqualTo(b(first + second).length);
    }

    @Test
    void shouldAddAnthropicCacheTokensToInputAndTakeOutputFromTheLastDelta() {
        // given: the documented stream, including ping and CRLF line ends
        final String stream = String.join("\r\n",
                "event: message_start",
                "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":21,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":188086,\"output_tokens\":1}}}",
                "",
                "event: ping",
                "data: {\"type\":\"ping\"}",
                "",
                "event: content_block_delta",
                "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
                "",
                "event: message_delta",
                "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":393}}",
                "",
                "event: message_stop",
                "data: {\"type\":\"message_stop\"}",
                "", "");

        // when
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.ANTHROPIC_MESSAGES,
                b("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"stream\":true,\"system\":[{\"type\":\"text\",\"text\":\"Be brief\",\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"),
                b(stream));

        // then
        assertThat(parsed.promptTokens()).isEqualTo(21 + 188086);
        assertThat(parsed.cachedTokens()).isEqualTo(188086);
        assertThat(parsed.cacheWriteTokens()).isZero();
        assertThat(parsed.completionTokens()).isEqualTo(393);
        assertThat(parsed.maxTokens()).isEqualTo(1024);
        assertThat(parsed.firstContentEnd()).isPositive();
        assertThat(parsed.promptText()).contains("Be brief").contains("hello");
    }

    @Test
    void shouldReadAnthropicWholeResponseUsage() {
        final String response = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}],"
                + "\"usage\":{\"input_tokens\":21,\"output_tokens\":393,\"cache_creation_input_tokens\":188086,\"cache_read_input_tokens\":0,\"service_tier\":\"standard\"}}";
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.ANTHROPIC_MESSAGES,
                b("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), b(response));
        assertThat(parsed.promptTokens()).isEqualTo(21 + 188086);
        assertThat(parsed.cacheWriteTokens()).isEqualTo(188086);
        assertThat(parsed.cachedTokens()).isZero();
        assertThat(parsed.serviceTier()).isEqualTo("standard");
        assertThat(parsed.cacheControl()).isFalse();
    }

    @Test
    void shouldRecordWhetherAnAnthropicRequestAskedForCaching() {
        // given cache_control on a system block, at the top level, and nowhere; and an OpenAI request
        final String onBlock = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"system\":[{\"type\":\"text\",\"text\":\"rules\","
                + "\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        final String topLevel = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"cache_control\":{\"type\":\"ephemeral\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        final String none = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        // then
        assertThat(ExchangeParser.parse(Dialect.ANTHROPIC_MESSAGES, b(onBlock), b("{}")).cacheControl()).isTrue();
        assertThat(ExchangeParser.parse(Dialect.ANTHROPIC_MESSAGES, b(topLevel), b("{}")).cacheControl()).isTrue();
        assertThat(ExchangeParser.parse(Dialect.ANTHROPIC_MESSAGES, b(none), b("{}")).cacheControl()).isFalse();
        assertThat(ExchangeParser.parse(Dialect.OPENAI_CHAT, b("{\"model\":\"gpt-4.1\",\"messages\":[]}"), b("{}")).cacheControl()).isNull();
    }

    @Test
    void shouldReadResponsesApiUsageFromResponseCompleted() {
        // given
        final String stream = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"usage\":null}}\n\n"
                + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"Hi\",\"sequence_number\":3}\n\n"
                + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":2006,\"input_tokens_details\":{\"cached_tokens\":1920,\"cache_write_tokens\":0},\"output_tokens\":300,\"total_tokens\":2306}}}\n\n";

        // when
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.OPENAI_RESPONSES,
                b("{\"model\":\"gpt-5\",\"stream\":true,\"instructions\":\"sys\",\"input\":\"question\",\"max_output_tokens\":100}"), b(stream));

        // then
        assertThat(parsed.promptTokens()).isEqualTo(2006);
        assertThat(parsed.cachedTokens()).isEqualTo(1920);
        assertThat(parsed.cacheWriteTokens()).isZero();
        assertThat(parsed.completionTokens()).isEqualTo(300);
        assertThat(parsed.maxTokens()).isEqualTo(100);
        assertThat(parsed.firstContentEnd()).isPositive();
        assertThat(parsed.promptText()).contains("sys").contains("question");
    }

    @Test
    void shouldTakeTokenIdsOfCompletionsAndSglangsMetaInfo() {
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.OPENAI_COMPLETIONS,
                b("{\"model\":\"llama\",\"prompt\":[1,2,3,4],\"max_tokens\":8}"),
                b("{\"text\":\"x\",\"meta_info\":{\"prompt_tokens\":4,\"completion_tokens\":8,\"cached_tokens\":2}}"));
        assertThat(parsed.promptTokenIds()).containsExactly(1, 2, 3, 4);
        assertThat(parsed.promptTokens()).isEqualTo(4);
        assertThat(parsed.cachedTokens()).isEqualTo(2);
    }

    @Test
    void shouldCountEmbeddingsWithoutOutput() {
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.OPENAI_EMBEDDINGS,
                b("{\"model\":\"text-embedding-3-small\",\"input\":[\"a b\",\"c\"]}"),
                b("{\"object\":\"list\",\"data\":[],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3}}"));
        assertThat(parsed.promptTokens()).isEqualTo(3);
        assertThat(parsed.completionTokens()).isZero();
    }

    @Test
    void shouldLeaveVllmsOmittedCachedTokensUnreported() {
        final ParsedExchange parsed = ExchangeParser.parse(Dialect.OPENAI_CHAT, b("{\"model\":\"m\",\"messages\":[]}"),
                b("{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11,\"prompt_tokens_details\":null}}"));
        assertThat(parsed.cachedTokens()).isNull();
        assertThat(parsed.promptTokens()).isEqualTo(10);
    }

    @Test
    void shouldNeverThrowOnGarbage() {
        assertThat(ExchangeParser.parse(Dialect.OPENAI_CHAT, b("\u0000\u00ff{"), b("<html>")).parsed()).isFalse();
        assertThat(ExchangeParser.parse(Dialect.OPENAI_CHAT, b("[1,2]"), null).parsed()).isFalse();
        assertThat(ExchangeParser.parse(Dialect.OPENAI_CHAT, b("{\"messages\":7}"), b("data: {broken\n\n")).parsed()).isTrue();
        assertThat(ExchangeParser.parse(Dialect.ANTHROPIC_MESSAGES, b("{\"messages\":[{\"content\":{\"x\":1}}]}"), b("{}")).parsed()).isTrue();
    }

    @Test
    void shouldRenderEqualPrefixesToEqualPrefixes() {
        // given: two chats sharing tools, system and first turn
        final String shared = "{\"model\":\"gpt-4o\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"messages\":["
                + "{\"role\":\"system\",\"content\":\"policy\"},{\"role\":\"user\",\"content\":\"first\"}";
        final ParsedExchange a = ExchangeParser.parse(Dialect.OPENAI_CHAT, b(shared + ",{\"role\":\"assistant\",\"content\":\"A\"}]}"), null);
        final ParsedExchange c = ExchangeParser.parse(Dialect.OPENAI_CHAT, b(shared + ",{\"role\":\"assistant\",\"content\":\"B\"}]}"), null);

        // then
        final String prefix = ExchangeParser.parse(Dialect.OPENAI_CHAT, b(shared + "]}"), null).promptText();
        assertThat(a.promptText()).startsWith(prefix);
        assertThat(c.promptText()).startsWith(prefix);
        assertThat(a.promptText()).isNotEqualTo(c.promptText());
    }
}
