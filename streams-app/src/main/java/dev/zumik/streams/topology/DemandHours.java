package dev.zumik.streams.topology;

import dev.zumik.core.cost.DemandProfile;
import dev.zumik.schemas.avro.DemandHour;
import dev.zumik.schemas.avro.LaneWindowStats;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Each lane's demand per calendar hour over the last {@link DemandProfile#MAX_HORIZON_MILLIS}, in a
 * RocksDB store (changelogged and restored like the rest): one small record per lane and hour, updated
 * by every closed window of the lane, so that a window costs one write whatever the horizon. A replay
 * request carries the lane's hours folded into its hour-of-week {@link DemandProfile}, priced by the worker.
 */
public final class DemandHours {
    public static final String STORE = "diagnosis-demand-hours";
    /** Nine figures of the hour, then the minute being summed (epoch minute) with its prompt and output tokens. */
    private static final int BYTES = 12 * 8;
    private static final int MINUTE_AT = 9 * 8;
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
        final long millis = w.getWindowEnd().toEpochMilli() - start;
        final DemandProfile.Slot window = DemandProfile.Slot.interval(millis, w.getRequests(), w.getPromptTokens(), w.getReportedCachedTokens(),
                w.getReportedCacheWriteTokens(), w.getCacheReportingRequests(), w.getCompletionTokens(), w.getBatchTierRequests());
        final String key = key(laneKey, Math.floorDiv(start, DemandProfile.HOUR_MILLIS));
        final byte[] old = hours.get(key);
        final ByteBuffer hour = old == null ? ByteBuffer.wrap(new byte[BYTES]).putLong(MINUTE_AT, Long.MIN_VALUE) : ByteBuffer.wrap(old);
        DemandProfile.Slot sum = old == null ? window : read(hour).plus(window);
        if (millis < DemandProfile.MINUTE_MILLIS) {
            // windows under a minute are summed per minute: replicas are sized for the busiest minute, not a burst of seconds
            final long minute = Math.floorDiv(start, DemandProfile.MINUTE_MILLIS);
            final boolean same = hour.getLong(MINUTE_AT) == minute;
            final long prompt = (same ? hour.getLong(MINUTE_AT + 8) : 0) + w.getPromptTokens();
            final long output = (same ? hour.getLong(MINUTE_AT + 16) : 0) + w.getCompletionTokens();
            hour.putLong(MINUTE_AT, minute).putLong(MINUTE_AT + 8, prompt).putLong(MINUTE_AT + 16, output);
            final DemandProfile.Slot before = old == null ? DemandProfile.Slot.EMPTY : read(hour);
            sum = new DemandProfile.Slot(sum.requests(), sum.promptTokens(), sum.cachedTokens(), sum.cacheWriteTokens(),
                    sum.cacheReportingRequests(), sum.outputTokens(), sum.batchRequests(), before.peakPromptPerSecond(),
                    before.peakOutputPerSecond()).plus(new DemandProfile.Slot(0, 0, 0, 0, 0, 0, 0, prompt / 60.0, output / 60.0));
        }
        write(hour, sum);
        hours.put(key, hour.array());
    }

    /**
     * The lane's hour-of-week profile over [max(its first window's start, its latest window's end − the longest
     * horizon), its latest window's end), as the replay request carries it (at least up to {@code endMillis}, the
     * period diagnosed); drops the lane's hours that have left the horizon.
     */
    dev.zumik.schemas.avro.DemandProfile profile(final String laneKey, final long endMillis) {
        final List<String> expired = new ArrayList<>();
        final dev.zumik.schemas.avro.DemandProfile out = profile(hours, marks, laneKey, endMillis, expired);
        expired.forEach(hours::delete);
        return out;
    }

    /**
     * The same profile read from the stores as they are (the query API's view), or null when the lane has no
     * demand; the keys of hours that have left the horizon go to {@code expired}.
     */
    public static dev.zumik.schemas.avro.DemandProfile profile(final ReadOnlyKeyValueStore<String, byte[]> hours,
                                                               final ReadOnlyKeyValueStore<String, Long> marks, final String laneKey,
                                                               final long endMillis, final List<String> expired) {
        final Long first = marks.get(FROM + laneKey);
        if (first == null) {
            return null;
        }
        final long horizonEnd = Math.max(endMillis, Objects.requireNonNullElse(marks.get(TO + laneKey), endMillis));
        final long horizonStart = Math.max(horizonEnd - DemandProfile.MAX_HORIZON_MILLIS, Math.min(horizonEnd - 1, first));
        final long firstHour = Math.floorDiv(horizonStart, DemandProfile.HOUR_MILLIS);
        final DemandProfile.Builder builder = new DemandProfile.Builder();
        try (KeyValueIterator<String, byte[]> it = hours.range(key(laneKey, 0), key(laneKey, Long.MAX_VALUE / 2))) {
            while (it.hasNext()) {
                final KeyValue<String, byte[]> entry = it.next();
                final long hour = Long.parseLong(entry.key.substring(entry.key.lastIndexOf('|') + 1));
                if (hour < firstHour) {
                    expired.add(entry.key);
                } else {
                    builder.addInterval(hour * DemandProfile.HOUR_MILLIS, read(ByteBuffer.wrap(entry.value)));
                }
            }
        }
        return toAvro(builder.build(horizonStart, horizonEnd));
    }

    static dev.zumik.schemas.avro.DemandProfile toAvro(final DemandProfile p) {
        final List<DemandHour> out = new ArrayList<>();
        for (final Map.Entry<Integer, DemandProfile.Slot> e : new TreeMap<>(p.slots()).entrySet()) {
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

    private static void write(final ByteBuffer b, final DemandProfile.Slot s) {
        b.putLong(0, s.requests()).putLong(8, s.promptTokens()).putLong(16, s.cachedTokens()).putLong(24, s.cacheWriteTokens())
                .putLong(32, s.cacheReportingRequests()).putLong(40, s.outputTokens()).putLong(48, s.batchRequests())
                .putDouble(56, s.peakPromptPerSecond()).putDouble(64, s.peakOutputPerSecond());
    }

    private static DemandProfile.Slot read(final ByteBuffer b) {
        return new DemandProfile.Slot(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32), b.getLong(40), b.getLong(48),
                b.getDouble(56), b.getDouble(64));
    }
}
