package dev.zumik.localstack;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/** Varied, valid RequestShape records for round-trip tests (nullable fields both set and unset). */
final class SampleShapes {
    private SampleShapes() { }

    static RequestShape shape(final int i) {
        final Random random = new Random(i);
        final int blockSize = i % 7 == 0 ? 512 : 64;
        final int promptTokens = 1 + random.nextInt(20_000);
        final List<Long> hashes = new ArrayList<>();
        for (int b = 0; b < (promptTokens + blockSize - 1) / blockSize; b++) {
            hashes.add(random.nextLong());
        }
        final boolean reported = i % 3 != 0;
        return RequestShape.newBuilder()
                .setEventId(new UUID(i, random.nextLong()).toString())
                .setTenant("tenant-" + (i % 4))
                .setLane(new Lane(i % 2 == 0 ? "openai" : "anthropic", "model-" + (i % 5), "/v1/chat/completions"))
                .setArrivalTime(Instant.ofEpochMilli(1_700_000_000_000L + i * 37L))
                .setPromptTokens(promptTokens)
                .setCompletionTokens(random.nextInt(800))
                .setCachedTokens(reported ? random.nextInt(promptTokens) : null)
                .setCacheWriteTokens(i % 5 == 0 ? random.nextInt(100) : null)
                .setBlockSize(blockSize)
                .setTokenizer(blockSize == 512 ? "source:mooncake" : "o200k_base")
                .setHashedTokens(promptTokens)
                .setBlockHashes(hashes)
                .setHashKeyId("k" + (i % 2))
                .setTtftMs(reported ? random.nextDouble() * 900 : null)
                .setE2eMs(reported ? 1000 + random.nextDouble() * 9000 : null)
                .setHttpStatus(i % 50 == 0 ? 429 : 200)
                .setStream(i % 2 == 1)
                .setMaxTokens(i % 4 == 0 ? null : 1024)
                .setServiceTier(i % 10 == 0 ? "batch" : null)
                .setSource(ShapeSource.values()[i % 3])
                .build();
    }
}
