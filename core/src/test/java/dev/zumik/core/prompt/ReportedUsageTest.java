package dev.zumik.core.prompt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReportedUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ReportedUsage read(final Dialect dialect, final String body) throws Exception {
        final ReportedUsage usage = new ReportedUsage();
        usage.read(dialect, JSON.readTree(body));
        return usage;
    }

    @Test
    void shouldReadEachDialectsCounts() throws Exception {
        final ReportedUsage openai = read(Dialect.OPENAI_CHAT,
                "{\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,\"prompt_tokens_details\":{\"cached_tokens\":1920}}}");
        assertThat(openai.prompt()).isEqualTo(2006);
        assertThat(openai.completion()).isEqualTo(300);
        assertThat(openai.cached()).isEqualTo(1920);
        final ReportedUsage anthropic = read(Dialect.ANTHROPIC_MESSAGES,
                "{\"usage\":{\"input_tokens\":50,\"cache_read_input_tokens\":1000,\"cache_creation_input_tokens\":200,\"output_tokens\":7}}");
        assertThat(anthropic.prompt()).isEqualTo(1250);
        assertThat(anthropic.cached()).isEqualTo(1000);
        assertThat(anthropic.cacheWrite()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5", "2147483648", "99999999999999999999", "12.5", "\"12\"", "null"})
    void shouldTreatACountOutsideZeroToIntMaxAsNotReportedRatherThanWrapIt(final String value) throws Exception {
        // when a log or a provider reports an impossible count
        final ReportedUsage usage = read(Dialect.OPENAI_CHAT, "{\"usage\":{\"prompt_tokens\":" + value + ",\"completion_tokens\":" + value
                + ",\"prompt_tokens_details\":{\"cached_tokens\":" + value + "}}}");
        // then nothing is taken from it: the shape falls back to the counted length
        assertThat(usage.prompt()).isNull();
        assertThat(usage.completion()).isNull();
        assertThat(usage.cached()).isNull();
    }

    @Test
    void shouldNotReportAnAnthropicPromptWhoseSumOverflows() throws Exception {
        final ReportedUsage usage = read(Dialect.ANTHROPIC_MESSAGES,
                "{\"usage\":{\"input_tokens\":2000000000,\"cache_read_input_tokens\":2000000000,\"output_tokens\":1}}");
        assertThat(usage.prompt()).isNull();
        assertThat(usage.cached()).isEqualTo(2_000_000_000);
    }
}
