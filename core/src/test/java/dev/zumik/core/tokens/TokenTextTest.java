package dev.zumik.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenTextTest {

    @Test
    void shouldGenerateTextThatTokenizesToTheCountSent() {
        for (final String tokenizer : new String[] {Tokenizers.O200K, Tokenizers.CL100K}) {
            for (final int n : new int[] {1, 7, 100, 1000}) {
                // when
                final String text = TokenText.text(12345L + n, n);
                // then
                assertThat(Tokenizers.encode(tokenizer, text)).as(tokenizer + ", " + n + " tokens").hasSize(n);
            }
        }
    }

    @Test
    void shouldBeDeterministicPerSeed() {
        assertThat(TokenText.text(1, 50)).isEqualTo(TokenText.text(1, 50)).isNotEqualTo(TokenText.text(2, 50));
        assertThat(TokenText.text(1, 50)).startsWith(TokenText.text(1, 10));
    }
}
