package dev.zumik.core.tokens;

/** A tiktoken encoding. Thread-safe. */
@FunctionalInterface
public interface Tokenizer {
    /** Token ids of {@code text}, special-token text treated as ordinary text. */
    int[] encode(String text);

    /** Appends the token ids of {@code text} to {@code out}: what {@link #encode(String)} returns, into an array the caller reuses. */
    default void encode(final String text, final TokenIds out) {
        out.addAll(encode(text));
    }
}
