package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What one lane's window accumulates: exact counts and sums, errors by class, arrivals per second
 * (for burstiness), simulated hit tokens by policy, and KLL sketches of TTFT, end-to-end time and
 * prompt length (mergeable; exact below 200 values, estimates with KLL's error bound above).
 */
public final class WindowAccumulator {
    private static final int KLL_K = 200;
    /** Format of the stored windows: another is refused (IncompatibleStateException names the reset). */
    private static final byte FORMAT = 3;

    long requests;
    long promptTokens;
    long completionTokens;
    long reportedCached;
    long reportedCacheWrite;
    long cacheReporting;
    long batchTier;
    /** Shapes counted here that arrived after their own window had closed (their window was already emitted). */
    long late;
    final TreeMap<String, Long> errors = new TreeMap<>();
    final TreeMap<Long, Long> perSecond = new TreeMap<>();
    /**
     * Simulated hit tokens by policy or policy tier, each in a holder: a shape adds to several, and a
     * hash lookup and an add in place cost less than an ordered map's merge of a boxed sum. Written out
     * in name order.
     */
    private final Map<String, long[]> hitTokens = new HashMap<>();
    KllFloatsSketch ttft = KllFloatsSketch.newHeapInstance(KLL_K);
    KllFloatsSketch e2e = KllFloatsSketch.newHeapInstance(KLL_K);
    KllFloatsSketch promptLength = KllFloatsSketch.newHeapInstance(KLL_K);

    /** Counts one shape; its simulated hits come separately, through {@link #addHitTokens}. */
    public WindowAccumulator add(final RequestShape s) {
        requests++;
        promptTokens += s.getPromptTokens();
        completionTokens += s.getCompletionTokens();
        reportedCached += s.getCachedTokens() == null ? 0 : s.getCachedTokens();
        cacheReporting += s.getCachedTokens() == null ? 0 : 1;
        reportedCacheWrite += s.getCacheWriteTokens() == null ? 0 : s.getCacheWriteTokens();
        final String tier = s.getServiceTier() == null ? "" : s.getServiceTier().toLowerCase(Locale.ROOT);
        if (tier.equals("batch") || tier.equals("flex")) {
            batchTier++;
        }
        final String error = errorClass(s.getHttpStatus());
        if (error != null) {
            errors.merge(error, 1L, Long::sum);
        }
        perSecond.merge(s.getArrivalTime().getEpochSecond(), 1L, Long::sum);
        if (s.getTtftMs() != null) {
            ttft.update(s.getTtftMs().floatValue());
        }
        if (s.getE2eMs() != null) {
            e2e.update(s.getE2eMs().floatValue());
        }
        promptLength.update(s.getPromptTokens());
        return this;
    }

    /** Adds simulated hit tokens under a policy's name ({@code infinite}) or a policy tier's ({@code dynamo.hbm}). */
    public void addHitTokens(final String policy, final long tokens) {
        final long[] sum = hitTokens.get(policy);
        if (sum != null) {
            sum[0] += tokens;
        } else {
            hitTokens.put(policy, new long[] {tokens});
        }
    }

    private TreeMap<String, Long> sortedHitTokens() {
        final TreeMap<String, Long> sorted = new TreeMap<>();
        hitTokens.forEach((policy, sum) -> sorted.put(policy, sum[0]));
        return sorted;
    }

    /** 4xx, 429, 5xx, or network (the upstream was unreachable); null for success. */
    static String errorClass(final int status) {
        if (status == 0) {
            return "network";
        }
        if (status == 429) {
            return "429";
        }
        if (status >= 500) {
            return "5xx";
        }
        if (status >= 400) {
            return "4xx";
        }
        return null;
    }

    public LaneWindowStats toStats(final Lane lane, final long windowStart, final long windowEnd) {
        final Map<String, Double> quantiles = new TreeMap<>();
        quantiles(quantiles, "ttft", ttft);
        quantiles(quantiles, "e2e", e2e);
        quantiles(quantiles, "prompt", promptLength);
        final double seconds = Math.max(1, (windowEnd - windowStart) / 1000.0);
        final long peak = perSecond.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return LaneWindowStats.newBuilder().setLane(lane).setWindowStart(Instant.ofEpochMilli(windowStart))
                .setWindowEnd(Instant.ofEpochMilli(windowEnd)).setRequests(requests).setPromptTokens(promptTokens)
                .setCompletionTokens(completionTokens).setReportedCachedTokens(reportedCached).setReportedCacheWriteTokens(reportedCacheWrite).setCacheReportingRequests(cacheReporting)
                .setErrorsByClass(new TreeMap<>(errors)).setBatchTierRequests(batchTier).setLateRequests(late)
                .setPeakToMeanArrivals(requests == 0 ? null : peak / (requests / seconds))
                .setTtftSketch(ttft.isEmpty() ? null : ByteBuffer.wrap(ttft.toByteArray()))
                .setE2eSketch(e2e.isEmpty() ? null : ByteBuffer.wrap(e2e.toByteArray()))
                .setPromptLengthSketch(promptLength.isEmpty() ? null : ByteBuffer.wrap(promptLength.toByteArray()))
                .setQuantiles(quantiles).setSimulatedHitTokens(sortedHitTokens()).build();
    }

    private static void quantiles(final Map<String, Double> out, final String name, final KllFloatsSketch sketch) {
        if (sketch.isEmpty()) {
            return;
        }
        for (final int p : new int[] {50, 90, 99}) {
            // nearest rank: the smallest value whose rank reaches p%
            out.put(name + "_p" + p, (double) sketch.getQuantile(p / 100.0, QuantileSearchCriteria.INCLUSIVE));
        }
    }

    /** The accumulator's bytes in the window store and in lane snapshots. */
    public static Serde<WindowAccumulator> serde() {
        final Serializer<WindowAccumulator> serializer = (topic, acc) -> acc == null ? null : acc.toBytes();
        final Deserializer<WindowAccumulator> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    /**
     * Format 3: the counts (the late ones last), the maps (unsigned-short-length UTF-8 keys), arrivals per second, then each
     * sketch followed by a zero (a count of values outside it, always none).
     */
    byte[] toBytes() {
        final byte[][] errorKeys = utf8Keys(errors);
        final TreeMap<String, Long> hits = sortedHitTokens();
        final byte[][] hitKeys = utf8Keys(hits);
        final byte[] ttftBytes = ttft.toByteArray();
        final byte[] e2eBytes = e2e.toByteArray();
        final byte[] promptBytes = promptLength.toByteArray();
        final ByteBuffer out = ByteBuffer.allocate(1 + 8 * Long.BYTES + mapBytes(errorKeys) + Integer.BYTES
                + perSecond.size() * 2 * Long.BYTES + mapBytes(hitKeys)
                + 3 * (Integer.BYTES + Short.BYTES) + ttftBytes.length + e2eBytes.length + promptBytes.length);
        out.put(FORMAT);
        out.putLong(requests).putLong(promptTokens).putLong(completionTokens).putLong(reportedCached).putLong(reportedCacheWrite)
                .putLong(cacheReporting).putLong(batchTier).putLong(late);
        writeMap(out, errorKeys, errors);
        out.putInt(perSecond.size());
        perSecond.forEach((second, count) -> out.putLong(second).putLong(count));
        writeMap(out, hitKeys, hits);
        for (final byte[] sketch : new byte[][] {ttftBytes, e2eBytes, promptBytes}) {
            out.putInt(sketch.length).put(sketch).putShort((short) 0);
        }
        return out.array();
    }

    static WindowAccumulator fromBytes(final byte[] bytes) {
        final WindowAccumulator acc = new WindowAccumulator();
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final int format = in.get();
        if (format != FORMAT) {
            throw new IncompatibleStateException("a stored window was written in format " + format + ", not " + FORMAT + "; reset the streams "
                    + "application (kafka-streams-application-reset, or a new application id) to rebuild it from the shapes");
        }
        acc.requests = in.getLong();
        acc.promptTokens = in.getLong();
        acc.completionTokens = in.getLong();
        acc.reportedCached = in.getLong();
        acc.reportedCacheWrite = in.getLong();
        acc.cacheReporting = in.getLong();
        acc.batchTier = in.getLong();
        acc.late = in.getLong();
        readMap(in, acc.errors);
        final int seconds = in.getInt();
        for (int i = 0; i < seconds; i++) {
            acc.perSecond.put(in.getLong(), in.getLong());
        }
        final TreeMap<String, Long> hits = new TreeMap<>();
        readMap(in, hits);
        hits.forEach(acc::addHitTokens);
        acc.ttft = readSketch(in);
        acc.e2e = readSketch(in);
        acc.promptLength = readSketch(in);
        return acc;
    }

    /** A sketch and its zero count of values outside it. */
    private static KllFloatsSketch readSketch(final ByteBuffer in) {
        final byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        if (in.getShort() != 0) {
            throw new IncompatibleStateException("a stored window holds values outside its sketches, as only an unreleased build wrote them; reset "
                    + "the streams application (kafka-streams-application-reset, or a new application id) to rebuild it from the shapes");
        }
        return bytes.length == 0 ? KllFloatsSketch.newHeapInstance(KLL_K) : KllFloatsSketch.heapify(Memory.wrap(bytes));
    }

    private static byte[][] utf8Keys(final Map<String, Long> map) {
        final byte[][] keys = new byte[map.size()][];
        int i = 0;
        for (final String key : map.keySet()) {
            keys[i++] = key.getBytes(StandardCharsets.UTF_8);
        }
        return keys;
    }

    private static int mapBytes(final byte[][] keys) {
        int size = Integer.BYTES;
        for (final byte[] key : keys) {
            size += Short.BYTES + key.length + Long.BYTES;
        }
        return size;
    }

    private static void writeMap(final ByteBuffer out, final byte[][] keys, final Map<String, Long> map) {
        out.putInt(keys.length);
        int i = 0;
        for (final Long value : map.values()) {
            out.putShort((short) keys[i].length).put(keys[i]).putLong(value);
            i++;
        }
    }

    private static void readMap(final ByteBuffer in, final Map<String, Long> map) {
        final int size = in.getInt();
        for (int i = 0; i < size; i++) {
            final int length = Short.toUnsignedInt(in.getShort());
            final String key = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
            map.put(key, in.getLong());
        }
    }
}
