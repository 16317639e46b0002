package dev.zumik.capture.traces;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.schemas.avro.RequestShape;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes shapes as Mooncake JSONL so AIPerf, GuideLLM, {@code vllm bench serve} and SGLang's bench
 * can replay a Zumik window: {@code timestamp} in ms from the first shape, {@code input_length}
 * (the hashed tokens when there are hashes, else the prompt tokens), {@code output_length}, and
 * {@code hash_ids}: the 64-bit block hashes remapped to dense integers in order of first
 * appearance, so equal blocks keep equal ids. Block size is as recorded (512 for Mooncake imports).
 */
public final class MooncakeExporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MooncakeExporter() { }

    /** Writes one line per shape; returns the number written. */
    public static int write(final List<RequestShape> shapes, final PrintWriter out) {
        if (shapes.isEmpty()) {
            return 0;
        }
        final long first = shapes.get(0).getArrivalTime().toEpochMilli();
        final Map<Long, Integer> dense = new HashMap<>();
        for (final RequestShape shape : shapes) {
            final ObjectNode line = JSON.createObjectNode();
            line.put("timestamp", shape.getArrivalTime().toEpochMilli() - first);
            line.put("input_length", shape.getBlockHashes().isEmpty() ? shape.getPromptTokens() : shape.getHashedTokens());
            line.put("output_length", shape.getCompletionTokens());
            final ArrayNode ids = line.putArray("hash_ids");
            for (final Long hash : shape.getBlockHashes()) {
                ids.add(dense.computeIfAbsent(hash, h -> dense.size()));
            }
            out.println(line.toString());
        }
        out.flush();
        return shapes.size();
    }
}
