package dev.zumik.replay.synth;

import dev.zumik.core.tokens.TokenText;
import dev.zumik.schemas.avro.RequestShape;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Builds a prompt with a shape's length and prefix structure but no original content (none exists):
 * block {@code i} is generated from its chained hash {@code h_i} alone, so equal hashes give identical
 * content (and, hashes being chained, identical prefixes) and different hashes different content. A
 * shape without hashes gets content unique to its event id. As token ids the length is exact; as text
 * every generated word is one token under o200k_base and cl100k_base, so a plain tokenizer counts the
 * target length (a chat template adds its own few tokens, read back from usage). A {@code salt} is mixed
 * into every block: one replay attempt's requests share prefixes exactly as the captured ones did, and
 * no two attempts (repetitions, retries) share any, so no attempt finds an earlier one's cache warm.
 */
public final class PromptSynthesizer {
    /** Token ids are drawn from a range that is ordinary text in every common vocabulary (no special tokens). */
    static final int FIRST_ID = 1_000;
    static final int ID_RANGE = 30_000;

    private PromptSynthesizer() { }

    /** The prompt length a synthesized request carries: the hashed tokens, else the reported prompt tokens. */
    public static int targetTokens(final RequestShape shape) {
        return shape.getBlockHashes().isEmpty() ? Math.max(0, shape.getPromptTokens()) : shape.getHashedTokens();
    }

    public static int[] tokenIds(final RequestShape shape, final long salt) {
        final int[] ids = new int[targetTokens(shape)];
        forEachToken(shape, salt, (i, seed, j) -> ids[i] = FIRST_ID + (int) Math.floorMod(mix(seed, j), (long) ID_RANGE));
        return ids;
    }

    public static String text(final RequestShape shape, final long salt) {
        final StringBuilder out = new StringBuilder(targetTokens(shape) * 5);
        forEachToken(shape, salt, (i, seed, j) -> out.append(TokenText.token(seed, j)));
        return out.toString();
    }

    private interface TokenSink {
        void token(int index, long blockSeed, int indexInBlock);
    }

    private static void forEachToken(final RequestShape shape, final long salt, final TokenSink sink) {
        final long pepper = mix(salt, -1);
        final int total = targetTokens(shape);
        final List<Long> hashes = shape.getBlockHashes();
        if (hashes.isEmpty()) {
            final long seed = UUID.nameUUIDFromBytes(shape.getEventId().getBytes(StandardCharsets.UTF_8)).getLeastSignificantBits();
            for (int i = 0; i < total; i++) {
                sink.token(i, seed ^ pepper, i);
            }
            return;
        }
        final int blockSize = shape.getBlockSize();
        for (int i = 0; i < total; i++) {
            final int block = Math.min(i / blockSize, hashes.size() - 1);
            sink.token(i, hashes.get(block) ^ pepper, i - block * blockSize);
        }
    }

    private static long mix(final long seed, final int index) {
        return new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)).nextLong();
    }
}
