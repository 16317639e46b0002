package dev.zumik.core.tokens;

/** A tiktoken encoding. Thread-safe. */
@FunctionalInterface
public interface Tokenizer {
    /** Token ids of {@code text}, special-token text treated as ordinary text. */
    int[] encode(String text);
}
