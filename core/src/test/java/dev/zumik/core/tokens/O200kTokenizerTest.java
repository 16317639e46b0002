package dev.zumik.core.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.api.EncodingType;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Zumik's o200k_base against jtokkit's, which splits with the encoding's regular expression. */
class O200kTokenizerTest {
    private static final Tokenizer OURS = Tokenizers.byName(Tokenizers.O200K);
    private static final Tokenizer JTOKKIT = Tokenizers.jtokkit(EncodingType.O200K_BASE);

    /**
     * What the pattern tells apart: each case of letter, marks, numbers of three kinds, white space of
     * every kind (and characters Java alone calls white space), newlines, contractions in any case
     * (U+017F long s folds to s), symbols, controls, unassigned and private-use code points, letters
     * and emoji outside the BMP, and lone surrogates.
     */
    private static final List<String> ATOMS = List.of(
            "a", "z", "e", "s", "t", "A", "Z", "S", "T", "é", "É", "ß", "ǅ", "ʰ", "中", "文", "א", "ב", "ก", "あ", "𝐀", "𝐚", "𐐀", "𐐨",
            "\u0301", "\u0903", "\u20DD", "\u05B7",
            "0", "7", "٣", "१", "Ⅻ", "²", "½", "𝟘",
            " ", " ", " ", " ", "\t", "\u000B", "\f", "\u0085", "\u00A0", "\u1680", "\u2000", "\u2028", "\u2029", "\u3000", "\u200B", "\uFEFF",
            "\u001C", "\u001F", "\u180E",
            "\n", "\r", "\r\n", "\n\n",
            "'", "'s", "'S", "'t", "'re", "'RE", "'Ve", "'m", "'ll", "'LL", "'d", "'D", "'ſ", "'x",
            ".", ",", "!", "?", "/", "//", "-", "_", "(", ")", "{", "}", "\"", "<|endoftext|>", "$", "€", "©", "😀", "👍🏽", "🇩🇪",
            "\u0000", "\u0007", "\u007F", "\u0378", "\uE000", "\uD800", "\uDC00", "\uDBFF",
            "hello", "World", "HTTP", "iPhone", "don't", " the", " The", "123456", "3.14159", "foo_bar", "C++", "naïve", "Ünïcödé");

    @Property(tries = 3000)
    void shouldGiveJtokkitsTokensForAnyMixOfWhatThePatternTellsApart(
            @ForAll @Size(max = 60) final List<@IntRange(min = 0, max = 200) Integer> picks) {
        final StringBuilder text = new StringBuilder();
        for (final int pick : picks) {
            text.append(ATOMS.get(pick % ATOMS.size()));
        }
        assertSameTokens(text.toString());
    }

    /** Random code points from the whole range, where categories come as they fall. */
    @Property(tries = 1000)
    void shouldGiveJtokkitsTokensForRandomCodePoints(@ForAll final long seed, @ForAll @IntRange(min = 0, max = 80) final int length) {
        final SplittableRandom random = new SplittableRandom(seed);
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            final int range = random.nextInt(4);
            final int cp = range == 0 ? random.nextInt(0x80) : range == 1 ? random.nextInt(0x800) : range == 2 ? random.nextInt(0x10000)
                    : random.nextInt(Character.MAX_CODE_POINT + 1);
            text.appendCodePoint(cp);
        }
        assertSameTokens(text.toString());
    }

    /** Long pieces: one run of a character is one piece, merged over thousands of bytes. */
    @Test
    void shouldGiveJtokkitsTokensForLongRuns() {
        for (final String unit : List.of("a", "ab", "=", "-=", " ", "\n", "7", "中", "😀", "\u0301", "A", "Ab")) {
            for (final int count : new int[] {1, 2, 3, 17, 64, 65, 500, 3000}) {
                assertSameTokens(unit.repeat(count));
                assertSameTokens(" " + unit.repeat(count) + "x");
            }
        }
    }

    @Test
    void shouldGiveJtokkitsTokensForProse() {
        for (final String text : List.of(
                "You answer billing questions. Where is my invoice? I'd like it by Friday, and they're late again!",
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"}],\"max_tokens\":256}\n",
                "def f(x):\r\n    return x ** 2  # square\n\n\nclass Foo(Bar):\n\tpass\n",
                "Größenordnung: 1.234,56 € — «ça marche» l'été. ΑΒΓ αβγ Ωμέγα.",
                "東京は日本の首都です。私は学生です。",
                "Привет, как дела? Всё хорошо!",
                "مرحبا بالعالم. השלום עליכם.",
                "नमस्ते दुनिया। ৩৪৫ ๑๒๓",
                "emoji: 😀😀 👍🏽 🇩🇪 ❤️ and ZWJ 👩‍👩‍👧",
                "   leading spaces, trailing spaces   ",
                "tabs\tand\u00A0non-breaking\u2003spaces\u3000here",
                TokenText.text(7, 500))) {
            assertSameTokens(text);
        }
    }

    /**
     * A shaping thread's ids buffer, reused from prompt to prompt: each prompt's ids follow what it holds, are the same as
     * a fresh array's, and a long prompt after short ones (the buffer grows) or short after long (stale ids past the end)
     * loses nothing. cl100k_base goes through the interface's default, which appends jtokkit's array.
     */
    @Test
    void shouldAppendTheSameTokensToAReusedBuffer() {
        final List<String> texts = List.of("Where is my invoice?", "", TokenText.text(3, 5000), "I'd like it by Friday.", "😀".repeat(40),
                "Clause 1: due within 10 days. ".repeat(300), "x");
        for (final String name : List.of(Tokenizers.O200K, Tokenizers.CL100K)) {
            final TokenIds reused = new TokenIds();
            for (final String text : texts) {
                reused.clear();
                Tokenizers.encode(name, text, reused);
                assertThat(reused.toArray()).as(name).containsExactly(Tokenizers.encode(name, text));
            }
            reused.clear();
            Tokenizers.encode(name, texts.get(0), reused);
            Tokenizers.encode(name, texts.get(2), reused);
            final int[] first = Tokenizers.encode(name, texts.get(0));
            final int[] second = Tokenizers.encode(name, texts.get(2));
            assertThat(reused.size()).isEqualTo(first.length + second.length);
            assertThat(Arrays.copyOfRange(reused.array(), first.length, reused.size())).containsExactly(second);
        }
    }

    private static void assertSameTokens(final String text) {
        assertThat(OURS.encode(text)).as(() -> "tokens of " + escaped(text)).containsExactly(JTOKKIT.encode(text));
    }

    private static String escaped(final String text) {
        final StringBuilder out = new StringBuilder("\"");
        text.chars().forEach(c -> out.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\u%04X", c)));
        return out.append('"').toString();
    }
}
