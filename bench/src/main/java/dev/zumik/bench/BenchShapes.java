package dev.zumik.bench;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Request shapes of a realistic size for benchmarks: prompt lengths drawn like the Azure 2023 code
 * trace (mean ~2,000 tokens), 64-token blocks, so ~32 hashes a record.
 */
final class BenchShapes {
    private BenchShapes() { }

    static List<RequestShape> generate(final int count, final long seed) {
        final Random random = new Random(seed);
        final List<RequestShape> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final int promptTokens = 64 + (int) Math.min(16_000, -Math.log(1 - random.nextDouble()) * 2_000);
            final List<Long> hashes = new ArrayList<>();
            for (int b = 0; b < (promptTokens + 63) / 64; b++) {
                hashes.add(random.nextLong());
            }
            out.add(RequestShape.newBuilder()
                    .setEventId(new UUID(random.nextLong(), random.nextLong()).toString())
                    .setTenant("tenant-" + random.nextInt(3))
                    .setLane(new Lane("openai", "gpt-4o-mini", "/v1/chat/completions"))
                    .setArrivalTime(Instant.ofEpochMilli(1_700_000_000_000L + i * 250L))
                    .setPromptTokens(promptTokens)
                    .setCompletionTokens(random.nextInt(300))
                    .setCachedTokens(random.nextBoolean() ? (promptTokens / 128) * 128 : null)
                    .setCacheWriteTokens(null)
                    .setBlockSize(64)
                    .setTokenizer("o200k_base")
                    .setHashedTokens(promptTokens)
                    .setBlockHashes(hashes)
                    .setHashKeyId("k1")
                    .setTtftMs(100 + random.nextDouble() * 500)
                    .setE2eMs(500 + random.nextDouble() * 5000)
                    .setHttpStatus(200)
                    .setStream(true)
                    .setMaxTokens(1024)
                    .setServiceTier(null)
                    .setSource(ShapeSource.PROXY)
                    .build());
        }
        return out;
    }
}
