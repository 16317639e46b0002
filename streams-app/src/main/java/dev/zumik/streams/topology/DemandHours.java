package dev.zumik.streams.topology;

import dev.zumik.core.cost.DemandProfile;
import dev.zumik.schemas.avro.DemandHour;
import dev.zumik.schemas.avro.LaneWindowStats;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each lane's demand per calendar hour over the last {@link DemandProfile#MAX_HORIZON_MILLIS}, in a
 * RocksDB store (changelogged and restored like the rest): one small record per lane and hour, updated
 * by every closed window of the lane, so that a window costs one write whatever the horizon. A replay
 * request carries the lane's hours folded into its hour-of-week {@link DemandProfile}, priced by the worker.
 */
final class DemandHours {
    static final String STORE = "demand-hours";
    private static final int FIELDS = 9;
    /** Marks of a lane's first window start and latest window end: its horizon is what its hours hold. */
    private static final String FROM = "demand-from|";
    private static final String TO = "demand-to|";

    private final KeyValueStore<String, byte[]> hours;
    private final KeyValueStore<String, Long> marks;

    DemandHours(final KeyValueStore<String, byte[]> hours, final KeyValueStore<String, Long> marks) {
        this.hours = hours;
        this.marks = marks;
    }

    /** Adds one closed window of a lane to its calendar hour; the first window of a lane starts its horizon. */
    void add(final String laneKey, final LaneWindowStats w) {
        final long start = w.getWindowStart().toEpochMilli();
        final Long from = marks.get(FROM + laneKey);
        if (from == null || start < from) {
            marks.put(FROM + laneKey, start);
        }
        final Long to = marks.get(TO + laneKey);
        if (to == null || w.getWindowEnd().toEpochMilli() > to) {
            marks.put(TO + laneKey, w.getWindowEnd().toEpochMilli());
        }
        final DemandProfile.Slot window = DemandProfile.Slot.interval(w.getWindowEnd().toEpochMilli() - start, w.getRequests(),
                w.getPromptTokens(), w.getReportedCachedTokens(), w.getReportedCacheWriteTokens(), w.getCacheReportingRequests(),
                w.getCompletionTokens(), w.getBatchTierRequests());
        final String key = key(laneKey, Math.floorDiv(start, DemandProfile.HOUR_MILLIS));
        final byte[] old = hours.get(key);
        hours.put(key, write(old == null ? window : read(old).plus(window)));
    }

    /**
     * The lane's hour-of-week profile over [max(its first window's start, its latest window's end − the longest
     * horizon), its latest window's end), as the replay request carries it (at least up to {@code endMillis}, the
     * period diagnosed); drops the lane's hours that have left the horizon.
     */
    dev.zumik.schemas.avro.DemandProfile profile(final String laneKey, final long endMillis) {
        final long horizonEnd = Math.max(endMillis, java.util.Objects.requireNonNullElse(marks.get(TO + laneKey), endMillis));
        final long horizonStart = Math.max(horizonEnd - DemandProfile.MAX_HORIZON_MILLIS,
                Math.min(endMillis - 1, java.util.Objects.requireNonNullElse(marks.get(FROM + laneKey), endMillis - 1)));
        final long firstHour = Math.floorDiv(horizonStart, DemandProfile.HOUR_MILLIS);
        final DemandProfile.Builder builder = new DemandProfile.Builder();
        final List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = hours.range(key(laneKey, 0), key(laneKey, Long.MAX_VALUE / 2))) {
            while (it.hasNext()) {
                final KeyValue<String, byte[]> entry = it.next();
                final long hour = Long.parseLong(entry.key.substring(entry.key.lastIndexOf('|') + 1));
                if (hour < firstHour) {
                    expired.add(entry.key);
                } else {
                    builder.addInterval(hour * DemandProfile.HOUR_MILLIS, read(entry.value));
                }
            }
        }
        expired.forEach(hours::delete);
        return toAvro(builder.build(horizonStart, horizonEnd));
    }

    static dev.zumik.schemas.avro.DemandProfile toAvro(final DemandProfile p) {
        final List<DemandHour> out = new ArrayList<>();
        for (final Map.Entry<Integer, DemandProfile.Slot> e : new java.util.TreeMap<>(p.slots()).entrySet()) {
            final DemandProfile.Slot s = e.getValue();
            out.add(new DemandHour(e.getKey(), s.requests(), s.promptTokens(), s.cachedTokens(), s.cacheWriteTokens(),
                    s.cacheReportingRequests(), s.outputTokens(), s.batchRequests(), s.peakPromptPerSecond(), s.peakOutputPerSecond()));
        }
        return new dev.zumik.schemas.avro.DemandProfile(Instant.ofEpochMilli(p.horizonStartMillis()), Instant.ofEpochMilli(p.horizonEndMillis()),
                out);
    }

    /** Lane, then the zero-padded epoch hour: a lane's hours are one range, in time order. */
    private static String key(final String laneKey, final long epochHour) {
        return laneKey + "|" + String.format("%013d", epochHour);
    }

    private static byte[] write(final DemandProfile.Slot s) {
        return ByteBuffer.allocate(FIELDS * 8).putLong(s.requests()).putLong(s.promptTokens()).putLong(s.cachedTokens())
                .putLong(s.cacheWriteTokens()).putLong(s.cacheReportingRequests()).putLong(s.outputTokens()).putLong(s.batchRequests())
                .putDouble(s.peakPromptPerSecond()).putDouble(s.peakOutputPerSecond()).array();
    }

    private static DemandProfile.Slot read(final byte[] bytes) {
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        return new DemandProfile.Slot(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
                b.getDouble(), b.getDouble());
    }
}
