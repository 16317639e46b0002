package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
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

    long requests;
    long promptTokens;
    long completionTokens;
    long reportedCached;
    long reportedCacheWrite;
    long cacheReporting;
    long batchTier;
    final TreeMap<String, Long> errors = new TreeMap<>();
    final TreeMap<Long, Long> perSecond = new TreeMap<>();
    final TreeMap<String, Long> hitTokens = new TreeMap<>();
    KllFloatsSketch ttft = KllFloatsSketch.newHeapInstance(KLL_K);
    KllFloatsSketch e2e = KllFloatsSketch.newHeapInstance(KLL_K);
    KllFloatsSketch promptLength = KllFloatsSketch.newHeapInstance(KLL_K);

    public WindowAccumulator add(final SimulatedShape simulated) {
        final RequestShape s = simulated.shape();
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
        simulated.hitTokens().forEach((policy, tokens) -> hitTokens.merge(policy, tokens, Long::sum));
        if (s.getTtftMs() != null) {
            ttft.update(s.getTtftMs().floatValue());
        }
        if (s.getE2eMs() != null) {
            e2e.update(s.getE2eMs().floatValue());
        }
        promptLength.update(s.getPromptTokens());
        return this;
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
                .setErrorsByClass(new TreeMap<>(errors)).setBatchTierRequests(batchTier)
                .setPeakToMeanArrivals(requests == 0 ? null : peak / (requests / seconds))
                .setTtftSketch(ttft.isEmpty() ? null : ByteBuffer.wrap(ttft.toByteArray()))
                .setE2eSketch(e2e.isEmpty() ? null : ByteBuffer.wrap(e2e.toByteArray()))
                .setPromptLengthSketch(promptLength.isEmpty() ? null : ByteBuffer.wrap(promptLength.toByteArray()))
                .setQuantiles(quantiles).setSimulatedHitTokens(new TreeMap<>(hitTokens)).build();
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

    /** The accumulator's bytes in the window store. */
    public static Serde<WindowAccumulator> serde() {
        final Serializer<WindowAccumulator> serializer = (topic, acc) -> acc == null ? null : acc.toBytes();
        final Deserializer<WindowAccumulator> deserializer = (topic, bytes) -> bytes == null ? null : fromBytes(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    byte[] toBytes() {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            for (final long v : new long[] {requests, promptTokens, completionTokens, reportedCached, reportedCacheWrite, cacheReporting, batchTier}) {
                out.writeLong(v);
            }
            writeMap(out, errors);
            out.writeInt(perSecond.size());
            for (final Map.Entry<Long, Long> e : perSecond.entrySet()) {
                out.writeLong(e.getKey());
                out.writeLong(e.getValue());
            }
            writeMap(out, hitTokens);
            for (final KllFloatsSketch sketch : new KllFloatsSketch[] {ttft, e2e, promptLength}) {
                final byte[] b = sketch.toByteArray();
                out.writeInt(b.length);
                out.write(b);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static WindowAccumulator fromBytes(final byte[] bytes) {
        final WindowAccumulator acc = new WindowAccumulator();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            final int version = in.readByte();
            if (version != 1) {
                throw new IOException("unknown window accumulator version " + version);
            }
            acc.requests = in.readLong();
            acc.promptTokens = in.readLong();
            acc.completionTokens = in.readLong();
            acc.reportedCached = in.readLong();
            acc.reportedCacheWrite = in.readLong();
            acc.cacheReporting = in.readLong();
            acc.batchTier = in.readLong();
            readMap(in, acc.errors);
            final int seconds = in.readInt();
            for (int i = 0; i < seconds; i++) {
                acc.perSecond.put(in.readLong(), in.readLong());
            }
            readMap(in, acc.hitTokens);
            acc.ttft = readSketch(in);
            acc.e2e = readSketch(in);
            acc.promptLength = readSketch(in);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return acc;
    }

    private static void writeMap(final DataOutputStream out, final Map<String, Long> map) throws IOException {
        out.writeInt(map.size());
        for (final Map.Entry<String, Long> e : map.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeLong(e.getValue());
        }
    }

    private static void readMap(final DataInputStream in, final Map<String, Long> map) throws IOException {
        final int size = in.readInt();
        for (int i = 0; i < size; i++) {
            map.put(in.readUTF(), in.readLong());
        }
    }

    private static KllFloatsSketch readSketch(final DataInputStream in) throws IOException {
        final byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return KllFloatsSketch.heapify(Memory.wrap(b));
    }
}
