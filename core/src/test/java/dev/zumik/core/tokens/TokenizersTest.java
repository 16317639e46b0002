package dev.zumik.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TokenizersTest {

    @ParameterizedTest
    @CsvSource({"gpt-4o-mini,o200k_base", "gpt-4.1,o200k_base", "o3-mini,o200k_base", "gpt-5,o200k_base",
        "gpt-4,cl100k_base", "gpt-4-turbo,cl100k_base", "gpt-3.5-turbo,cl100k_base", "text-embedding-3-small,cl100k_base",
        "claude-sonnet-4,o200k_base"})
    void shouldPickTheEncodingOfTheModelFamily(final String model, final String expected) {
        assertThat(Tokenizers.nameForModel(model, Optional.empty())).isEqualTo(expected);
    }

    @Test
    void shouldHonourAnOverrideAndRejectAnUnknownOne() {
        assertThat(Tokenizers.nameForModel("gpt-4o", Optional.of("cl100k_base"))).isEqualTo("cl100k_base");
        assertThatThrownBy(() -> Tokenizers.nameForModel("gpt-4o", Optional.of("p50k")))
                .hasMessageContaining("unknown tokenizer 'p50k'");
    }

    @Test
    void shouldCountLikeTiktoken() {
        // "hello world" is two tokens in both encodings; special-token text is ordinary text
        assertThat(Tokenizers.byName("o200k_base").encode("hello world")).hasSize(2);
        assertThat(Tokenizers.byName("cl100k_base").encode("hello world")).containsExactly(15339, 1917);
        assertThat(Tokenizers.byName("o200k_base").encode("<|endoftext|>").length).isGreaterThan(1);
    }
}
