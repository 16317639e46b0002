package dev.zumik.capture.traces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.core.hashing.BlockHasher;
import dev.zumik.schemas.avro.RequestShape;
import java.util.ArrayList;
import java.util.List;

/**
 * Mooncake trace JSONL ({@code timestamp} ms from trace start, {@code input_length},
 * {@code output_length}, {@code hash_ids} one per 512-token block, last partial included). Block
 * size 512 is kept; the trace's ids are keyed per tenant ({@link BlockHasher#hashIds}) so equal id
 * prefixes stay equal and the ids themselves do not leave.
 */
final class MooncakeImporter extends TraceImporter {
    /** Ten years of milliseconds: a trace offset beyond this is a broken line, not a request. */
    static final long MAX_OFFSET_MS = 10L * 366 * 24 * 3600 * 1000;

    static final int BLOCK_SIZE = 512;
    private static final ObjectMapper JSON = new ObjectMapper();

    MooncakeImporter(final Target target) {
        super(target);
    }

    @Override
    protected RequestShape shape(final long number, final String line) throws JsonProcessingException {
        final JsonNode node = JSON.readTree(line);
        final long timestamp = requireLong(node, "timestamp");
        final long input = requireLong(node, "input_length");
        final long output = requireLong(node, "output_length");
        if (timestamp > MAX_OFFSET_MS) {
            throw new IllegalArgumentException("timestamp " + timestamp + " ms is more than ten years after the trace's start");
        }
        if (timestamp < 0 || input < 0 || output < 0 || input > Integer.MAX_VALUE || output > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timestamp, input_length and output_length must be >= 0");
        }
        final JsonNode ids = node.path("hash_ids");
        if (!ids.isArray()) {
            throw new IllegalArgumentException("hash_ids must be an array");
        }
        if (ids.size() != BlockHasher.blockCount((int) input, BLOCK_SIZE)) {
            throw new IllegalArgumentException("hash_ids has " + ids.size() + " ids but input_length " + input
                    + " needs ceil(" + input + "/512) = " + BlockHasher.blockCount((int) input, BLOCK_SIZE));
        }
        final long[] raw = new long[ids.size()];
        for (int i = 0; i < raw.length; i++) {
            if (!ids.get(i).canConvertToLong()) {
                throw new IllegalArgumentException("hash_ids[" + i + "] is not an integer");
            }
            raw[i] = ids.get(i).asLong();
        }
        final TenantKeyStore.TenantKey key = target.keys().current(target.tenant());
        final List<Long> hashes = new ArrayList<>(raw.length);
        for (final long h : new BlockHasher(key.secret()).hashIds(raw)) {
            hashes.add(h);
        }
        return importedShape(number, line, target.start().plusMillis(timestamp), (int) input, (int) output)
                .setBlockSize(BLOCK_SIZE)
                .setTokenizer("source:mooncake")
                .setHashedTokens((int) input)
                .setBlockHashes(hashes)
                .setHashKeyId(key.keyId())
                .setStream(true)
                .setMaxTokens((int) output)
                .build();
    }

    static long requireLong(final JsonNode node, final String field) {
        final JsonNode value = node.path(field);
        if (!value.canConvertToLong() || !value.isIntegralNumber()) {
            throw new IllegalArgumentException(field + " is missing or not an integer");
        }
        return value.asLong();
    }
}
