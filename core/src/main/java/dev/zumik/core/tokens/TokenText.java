package dev.zumik.core.tokens;

import java.util.SplittableRandom;

/**
 * Generated output text: words that are each exactly one token under o200k_base and cl100k_base, so
 * that n streamed pieces re-tokenize to n tokens. Content is meaningless by design.
 */
public final class TokenText {
    private static final String[] WORDS = {" the", " of", " and", " to", " in", " is", " that", " for", " it", " as", " with",
        " was", " on", " be", " by", " this", " are", " or", " from", " at", " an", " which", " but", " not", " have", " they",
        " can", " data", " model", " time", " system", " more", " one", " all", " will", " we", " has", " each", " new", " use"};

    private TokenText() { }

    /** The {@code index}-th output token of a request whose text seed is {@code seed}. */
    public static String token(final long seed, final int index) {
        return WORDS[(int) Math.floorMod(new SplittableRandom(seed + index * 0x9E3779B97F4A7C15L).nextLong(), WORDS.length)];
    }

    /** The first {@code count} tokens joined. */
    public static String text(final long seed, final int count) {
        final StringBuilder out = new StringBuilder(count * 5);
        for (int i = 0; i < count; i++) {
            out.append(token(seed, i));
        }
        return out.toString();
    }
}
