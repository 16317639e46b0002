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

    @Override
    public int[] encode(final String text) {
        final BytePairRanks.IntList out = new BytePairRanks.IntList();
        final BytePairRanks.Scratch scratch = new BytePairRanks.Scratch();
        byte[] utf8 = new byte[64];
        for (int start = 0; start < text.length(); ) {
            final int end = pieceEnd(text, start);
            if (utf8.length < 3 * (end - start)) {
                utf8 = new byte[Math.max(3 * (end - start), 2 * utf8.length)];
            }
            ranks.merge(utf8, Utf8.encode(text, start, end, utf8), scratch, out);
            start = end;
        }
        return out.toArray();
    }

    /** Where the piece starting at {@code i} ends: the first alternative that matches there, as the regex would. */
    static int pieceEnd(final String s, final int i) {
        final int c = s.codePointAt(i);
        final int afterC = i + Character.charCount(c);
        final boolean leadingP = c != '\r' && c != '\n' && !isLetter(c) && !isNumber(c);
        int end;
        if ((leadingP && (end = upperThenLower(s, afterC)) >= 0) || (end = upperThenLower(s, i)) >= 0) {
            return contraction(s, end);
        }
        if ((leadingP && (end = upperRun(s, afterC)) >= 0) || (end = upperRun(s, i)) >= 0) {
            return contraction(s, end);
        }
        if (isNumber(c)) {
            end = afterC;
            for (int n = 1; n < 3 && end < s.length() && isNumber(s.codePointAt(end)); n++) {
                end += Character.charCount(s.codePointAt(end));
            }
            return end;
        }
        final int symbolsFrom = c == ' ' ? afterC : i;
        end = symbolsFrom;
        while (end < s.length() && isSymbol(s.codePointAt(end))) {
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
        while (spaceEnd < s.length() && isSpace(s.charAt(spaceEnd))) {
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
            if (!isUpperish(c)) {
                break;
            }
            upperEnd += Character.charCount(c);
            if (isLowerish(c)) {
                lastLowerEnd = upperEnd;
            }
        }
        if (upperEnd < s.length() && isLowerish(s.codePointAt(upperEnd))) {
            return lowerRun(s, upperEnd);
        }
        // [U]* gives back characters until [L]+ can take one: the last lower-ish one of the run
        return lastLowerEnd;
    }

    /** Alternative 2 after its optional leading character: {@code [U]+[L]*}, or -1. */
    private static int upperRun(final String s, final int from) {
        int end = from;
        while (end < s.length() && isUpperish(s.codePointAt(end))) {
            end += Character.charCount(s.codePointAt(end));
        }
        return end == from ? -1 : lowerRun(s, end);
    }

    private static int lowerRun(final String s, final int from) {
        int end = from;
        while (end < s.length() && isLowerish(s.codePointAt(end))) {
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

    private static boolean isLetter(final int c) {
        final int type = Character.getType(c);
        return type >= Character.UPPERCASE_LETTER && type <= Character.OTHER_LETTER;
    }

    private static boolean isMark(final int type) {
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.COMBINING_SPACING_MARK;
    }

    /** {@code [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]} */
    private static boolean isUpperish(final int c) {
        final int type = Character.getType(c);
        return type == Character.UPPERCASE_LETTER || type == Character.TITLECASE_LETTER || type == Character.MODIFIER_LETTER
                || type == Character.OTHER_LETTER || isMark(type);
    }

    /** {@code [\p{Ll}\p{Lm}\p{Lo}\p{M}]} */
    private static boolean isLowerish(final int c) {
        final int type = Character.getType(c);
        return type == Character.LOWERCASE_LETTER || type == Character.MODIFIER_LETTER || type == Character.OTHER_LETTER || isMark(type);
    }

    private static boolean isNumber(final int c) {
        final int type = Character.getType(c);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }

    /** {@code [^\s\p{L}\p{N}]} */
    private static boolean isSymbol(final int c) {
        return !isSpace(c) && !isLetter(c) && !isNumber(c);
    }

    /** {@code \s} under UNICODE_CHARACTER_CLASS: White_Space, as java.util.regex defines it. */
    private static boolean isSpace(final int c) {
        final int type = Character.getType(c);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || (c >= 0x9 && c <= 0xD) || c == 0x85;
    }
}
