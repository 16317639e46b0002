package dev.zumik.streams.topology;

import dev.zumik.core.hashing.BlockHasher;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Lanes;
import java.util.Optional;

/**
 * Why a shape cannot be counted, or nothing when it can: negative counts, a block size below 1, a
 * hash count that does not match the hashed tokens and the block size, a lane that is not
 * provider/model/route, or a record key that is not the shape's lane.
 */
public final class ShapeValidation {
    private ShapeValidation() { }

    public static Optional<String> problem(final String recordKey, final RequestShape shape) {
        if (shape.getPromptTokens() < 0) {
            return Optional.of("promptTokens is negative (" + shape.getPromptTokens() + ")");
        }
        if (shape.getCompletionTokens() < 0) {
            return Optional.of("completionTokens is negative (" + shape.getCompletionTokens() + ")");
        }
        if (shape.getCachedTokens() != null && shape.getCachedTokens() < 0) {
            return Optional.of("cachedTokens is negative (" + shape.getCachedTokens() + ")");
        }
        if (shape.getCacheWriteTokens() != null && shape.getCacheWriteTokens() < 0) {
            return Optional.of("cacheWriteTokens is negative (" + shape.getCacheWriteTokens() + ")");
        }
        if (shape.getBlockSize() < 1) {
            return Optional.of("blockSize must be >= 1, got " + shape.getBlockSize());
        }
        if (shape.getHashedTokens() < 0) {
            return Optional.of("hashedTokens is negative (" + shape.getHashedTokens() + ")");
        }
        final int expected = BlockHasher.blockCount(shape.getHashedTokens(), shape.getBlockSize());
        if (shape.getBlockHashes().size() != expected) {
            return Optional.of("hash count " + shape.getBlockHashes().size() + " is inconsistent with " + shape.getHashedTokens()
                    + " hashed tokens in blocks of " + shape.getBlockSize() + " (expected " + expected + ")");
        }
        final String lane;
        try {
            Lanes.requireValid(shape.getLane());
            lane = Lanes.key(shape.getLane());
        } catch (final IllegalArgumentException e) {
            return Optional.of("unknown lane format: " + e.getMessage());
        }
        if (!lane.equals(recordKey)) {
            return Optional.of("record key '" + recordKey + "' is not the shape's lane '" + lane + "'");
        }
        return Optional.empty();
    }
}
