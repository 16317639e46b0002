package dev.zumik.core.tokens;

/**
 * o200k_base without a regular expression. The encoding splits text with this pattern (as jtokkit
 * compiles it: {@code UNICODE_CHARACTER_CLASS}, so {@code \s} is Unicode White_Space and {@code (?i)}
 * folds Unicode case), then byte-pair merges each piece:
 * <pre>
 * 1 [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * 2 [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
 * 3 \p{N}{1,3}
 * 4  ?[^\s\p{L}\p{N}]+[\r\n/]*
 * 5 \s*[\r\n]+
 * 6 \s+(?!\S)
 * 7 \s+
 * </pre>
 * Here each alternative is matched by hand with the same greedy-then-backtrack choices as
 * java.util.regex, which was most of a shape's CPU in the capture proxy. The tokens are jtokkit's
 * (the tests compare the two on random text of every script, lone surrogates included).
 */
final class O200kTokenizer implements Tokenizer {
    private static final String RANKS = "/com/knuddels/jtokkit/o200k_base.tiktoken";

    private final BytePairRanks ranks;

    O200kTokenizer() {
        this.ranks = BytePairRanks.load(RANKS);
    }

    /** Each shaper thread's working arrays, reused across texts (they only grow to the longest piece seen). */
    private static final ThreadLocal<BytePairRanks.Scratch> SCRATCH = ThreadLocal.withInitial(BytePairRanks.Scratch::new);

    @Override
    public int[] encode(final String text) {
        final TokenIds out = new TokenIds();
        encode(text, out);
        return out.toArray();
    }

    @Override
    public void encode(final String text, final TokenIds out) {
        out.expect(out.size() + text.length() / 3 + 16);
        final BytePairRanks.Scratch scratch = SCRATCH.get();
        byte[] utf8 = new byte[64];
        for (int start = 0; start < text.length(); ) {
            final int end = pieceEnd(text, start);
            if (utf8.length < 3 * (end - start)) {
                utf8 = new byte[Math.max(3 * (end - start), 2 * utf8.length)];
            }
            ranks.merge(utf8, Utf8.encode(text, start, end, utf8), scratch, out);
            start = end;
        }
    }

    /** Where the piece starting at {@code i} ends: the first alternative that matches there, as the regex would. */
    static int pieceEnd(final String s, final int i) {
        final int c = s.codePointAt(i);
        final int kind = kind(c);
        final int afterC = i + Character.charCount(c);
        final boolean leadingP = c != '\r' && c != '\n' && (kind & (LETTER | NUMBER)) == 0;
        int end;
        if ((leadingP && (end = upperThenLower(s, afterC)) >= 0) || (end = upperThenLower(s, i)) >= 0) {
            return contraction(s, end);
        }
        if ((leadingP && (end = upperRun(s, afterC)) >= 0) || (end = upperRun(s, i)) >= 0) {
            return contraction(s, end);
        }
        if ((kind & NUMBER) != 0) {
            end = afterC;
            for (int n = 1; n < 3 && end < s.length() && is(s, end, NUMBER); n++) {
                end += Character.charCount(s.codePointAt(end));
            }
            return end;
        }
        final int symbolsFrom = c == ' ' ? afterC : i;
        end = symbolsFrom;
        while (end < s.length() && (kind(s.codePointAt(end)) & (SPACE | LETTER | NUMBER)) == 0) {
            end += Character.charCount(s.codePointAt(end));
        }
        if (end > symbolsFrom) {
            while (end < s.length() && (s.charAt(end) == '\r' || s.charAt(end) == '\n' || s.charAt(end) == '/')) {
                end++;
            }
            return end;
        }
        // the rest start with white space, which is all in the BMP: one char each
        int spaceEnd = i;
        int lastNewline = -1;
        while (spaceEnd < s.length() && (kind(s.charAt(spaceEnd)) & SPACE) != 0) {
            if (s.charAt(spaceEnd) == '\r' || s.charAt(spaceEnd) == '\n') {
                lastNewline = spaceEnd;
            }
            spaceEnd++;
        }
        if (spaceEnd == i) {
            throw new IllegalStateException("no o200k_base alternative matches U+" + Integer.toHexString(c));
        }
        if (lastNewline >= 0) {
            return lastNewline + 1;                  // 5: \s*[\r\n]+
        }
        if (spaceEnd == s.length() || spaceEnd - 1 > i) {
            return spaceEnd == s.length() ? spaceEnd : spaceEnd - 1;   // 6: \s+(?!\S)
        }
        return spaceEnd;                             // 7: \s+
    }

    /** Alternative 1 after its optional leading character: {@code [U]*[L]+}, or -1. */
    private static int upperThenLower(final String s, final int from) {
        int upperEnd = from;
        int lastLowerEnd = -1;
        while (upperEnd < s.length()) {
            final int c = s.codePointAt(upperEnd);
            final int kind = kind(c);
            if ((kind & UPPERISH) == 0) {
                break;
            }
            upperEnd += Character.charCount(c);
            if ((kind & LOWERISH) != 0) {
                lastLowerEnd = upperEnd;
            }
        }
        if (upperEnd < s.length() && is(s, upperEnd, LOWERISH)) {
            return lowerRun(s, upperEnd);
        }
        // [U]* gives back characters until [L]+ can take one: the last lower-ish one of the run
        return lastLowerEnd;
    }

    /** Alternative 2 after its optional leading character: {@code [U]+[L]*}, or -1. */
    private static int upperRun(final String s, final int from) {
        int end = from;
        while (end < s.length() && is(s, end, UPPERISH)) {
            end += Character.charCount(s.codePointAt(end));
        }
        return end == from ? -1 : lowerRun(s, end);
    }

    private static int lowerRun(final String s, final int from) {
        int end = from;
        while (end < s.length() && is(s, end, LOWERISH)) {
            end += Character.charCount(s.codePointAt(end));
        }
        return end;
    }

    /** {@code end} extended by a following contraction ('s 't 're 've 'm 'll 'd, any case), if there is one. */
    private static int contraction(final String s, final int end) {
        if (end + 1 >= s.length() || s.charAt(end) != '\'') {
            return end;
        }
        final char a = s.charAt(end + 1);
        if (folds(a, 's') || folds(a, 't') || folds(a, 'm') || folds(a, 'd')) {
            return end + 2;
        }
        if (end + 2 < s.length()) {
            final char b = s.charAt(end + 2);
            if ((folds(a, 'r') || folds(a, 'v')) && folds(b, 'e') || folds(a, 'l') && folds(b, 'l')) {
                return end + 3;
            }
        }
        return end;
    }

    /** Case-insensitive equality as java.util.regex has it with Unicode case (so U+017F long s matches s). */
    private static boolean folds(final char c, final char lower) {
        return c == lower || Character.toLowerCase(Character.toUpperCase(c)) == lower;
    }

    /** What the pattern tells apart about a code point: bits of its classes. */
    private static final int LETTER = 1;
    /** {@code [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]} */
    private static final int UPPERISH = 2;
    /** {@code [\p{Ll}\p{Lm}\p{Lo}\p{M}]} */
    private static final int LOWERISH = 4;
    private static final int NUMBER = 8;
    /** {@code \s} under UNICODE_CHARACTER_CLASS: White_Space, as java.util.regex defines it. */
    private static final int SPACE = 16;
    private static final byte[] ASCII_KINDS = new byte[128];

    static {
        for (int c = 0; c < 128; c++) {
            ASCII_KINDS[c] = (byte) kindOf(c);
        }
    }

    private static boolean is(final String s, final int at, final int kinds) {
        return (kind(s.codePointAt(at)) & kinds) != 0;
    }

    private static int kind(final int c) {
        return c < 128 ? ASCII_KINDS[c] : kindOf(c);
    }

    private static int kindOf(final int c) {
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.TITLECASE_LETTER -> LETTER | UPPERISH;
            case Character.LOWERCASE_LETTER -> LETTER | LOWERISH;
            case Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER | UPPERISH | LOWERISH;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> UPPERISH | LOWERISH;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> SPACE;
            default -> (c >= 0x9 && c <= 0xD) || c == 0x85 ? SPACE : 0;
        };
    }
}
