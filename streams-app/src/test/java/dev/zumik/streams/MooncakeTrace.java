package dev.zumik.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.localstack.RecentTime;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The Mooncake FAST '25 synthetic trace (data/ in the repository) as shapes with its raw 512-token block ids. */
final class MooncakeTrace {
    static final Path FILE = Path.of("../data/mooncake_synthetic_trace.jsonl");
    static final Instant START = RecentTime.yesterdayMidnight();
    private static final ObjectMapper JSON = new ObjectMapper();

    private MooncakeTrace() { }

    static List<RequestShape> shapes(final Lane lane) throws IOException {
        final List<RequestShape> out = new ArrayList<>();
        for (final String line : Files.readAllLines(FILE, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            final JsonNode r = JSON.readTree(line);
            final List<Long> ids = new ArrayList<>();
            r.path("hash_ids").forEach(id -> ids.add(id.asLong()));
            out.add(shape(lane, START.plusMillis(r.path("timestamp").asLong()), r.path("input_length").asInt(),
                    r.path("output_length").asInt(), ids, 512));
        }
        return out;
    }

    static RequestShape shape(final Lane lane, final Instant at, final int prompt, final int output, final List<Long> hashes, final int blockSize) {
        return RequestShape.newBuilder().setEventId(UUID.nameUUIDFromBytes((at + "/" + hashes + "/" + prompt).getBytes(StandardCharsets.UTF_8)).toString())
                .setTenant("t").setLane(lane).setArrivalTime(at).setPromptTokens(prompt).setCompletionTokens(output)
                .setCachedTokens(null).setCacheWriteTokens(null).setBlockSize(blockSize).setTokenizer("source:mooncake")
                .setHashedTokens(prompt).setBlockHashes(hashes).setHashKeyId("k1").setTtftMs(null).setE2eMs(null).setHttpStatus(200)
                .setStream(false).setMaxTokens(null).setServiceTier(null).setSource(ShapeSource.IMPORT).setParsed(true).build();
    }
}
