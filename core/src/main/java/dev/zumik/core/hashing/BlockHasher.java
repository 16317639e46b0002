package dev.zumik.core.hashing;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Chained keyed prefix-block hashes (docs/METRICS.md): prompt tokens are cut into blocks of {@code B}
 * tokens, the last partial block included, and {@code h_i = HMAC-SHA256(key, h_{i-1} || tokens_i)}
 * truncated to its first 64 bits (big-endian), with {@code h_0 = 0}. Each token is 4 bytes
 * big-endian; {@code h_{i-1}} is 8 bytes big-endian. Equal prefixes give equal chains; without the
 * key nobody can test a guessed prompt against a hash.
 *
 * <p>An instance holds one key and is not thread-safe (it reuses its {@link Mac} and buffer).
 */
public final class BlockHasher {
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;
    private byte[] buffer = new byte[8 + 4 * 64];

    public BlockHasher(final byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("a tenant key needs at least 16 bytes");
        }
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (final NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** Number of blocks for {@code tokens} tokens: ceil(tokens / blockSize). */
    public static int blockCount(final int tokens, final int blockSize) {
        return tokens == 0 ? 0 : (tokens + blockSize - 1) / blockSize;
    }

    /** Hashes the first {@code length} tokens in blocks of {@code blockSize}. */
    public long[] hashTokens(final int[] tokens, final int length, final int blockSize) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("block size must be >= 1, got " + blockSize);
        }
        if (buffer.length < 8 + 4 * blockSize) {
            buffer = new byte[8 + 4 * blockSize];
        }
        final long[] hashes = new long[blockCount(length, blockSize)];
        long previous = 0;
        for (int block = 0; block < hashes.length; block++) {
            final int from = block * blockSize;
            final int to = Math.min(length, from + blockSize);
            putLong(buffer, 0, previous);
            int at = 8;
            for (int t = from; t < to; t++) {
                final int token = tokens[t];
                buffer[at++] = (byte) (token >>> 24);
                buffer[at++] = (byte) (token >>> 16);
                buffer[at++] = (byte) (token >>> 8);
                buffer[at++] = (byte) token;
            }
            previous = digest(at);
            hashes[block] = previous;
        }
        return hashes;
    }

    /**
     * Keys block ids that a trace already chains (e.g. Mooncake's {@code hash_ids}, one per block):
     * {@code h_i = HMAC(key, h_{i-1} || id_i)} with the id as 8 bytes big-endian. Equal id prefixes
     * give equal hash prefixes, so the trace's reuse structure is kept and its ids are not exposed.
     */
    public long[] hashIds(final long[] ids) {
        final long[] hashes = new long[ids.length];
        long previous = 0;
        for (int i = 0; i < ids.length; i++) {
            putLong(buffer, 0, previous);
            putLong(buffer, 8, ids[i]);
            previous = digest(16);
            hashes[i] = previous;
        }
        return hashes;
    }

    private long digest(final int length) {
        mac.update(buffer, 0, length);
        final byte[] out = mac.doFinal();
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (out[i] & 0xff);
        }
        return value;
    }

    private static void putLong(final byte[] target, final int at, final long value) {
        for (int i = 0; i < 8; i++) {
            target[at + i] = (byte) (value >>> (56 - 8 * i));
        }
    }

    @Override
    public String toString() {
        return "BlockHasher[key=redacted]";
    }
}
