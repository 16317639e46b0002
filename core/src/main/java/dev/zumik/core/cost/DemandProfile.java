package dev.zumik.core.cost;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A lane's demand over its capture horizon, folded into the 168 hours of a week (UTC, Monday 00:00 is
 * hour 0): per hour of the week, the requests and tokens of every occurrence of that hour in the horizon,
 * and the busiest sizing interval (one minute by default) of any occurrence. Money is priced from this,
 * not from the replayed window: a window replayed because the lane was hot is not its average hour.
 *
 * <p>The horizon is the time the capture watched the lane, [{@code horizonStartMillis}, {@code
 * horizonEndMillis}); hours in it without traffic count as idle hours, which is what makes a bursty lane's
 * GPUs expensive.
 */
public record DemandProfile(long horizonStartMillis, long horizonEndMillis, Map<Integer, Slot> slots) {
    public static final int HOURS_PER_WEEK = 168;
    public static final long HOUR_MILLIS = 3_600_000L;
    /** The longest horizon kept: four whole weeks. */
    public static final long MAX_HORIZON_MILLIS = 28L * 24 * HOUR_MILLIS;
    /** The sizing interval when shapes are folded in one by one. */
    public static final long MINUTE_MILLIS = 60_000L;
    /** 1970-01-01 was a Thursday: epoch hour 0 is hour 72 of its week. */
    private static final int EPOCH_HOUR_OF_WEEK = 72;

    public DemandProfile {
        if (horizonEndMillis <= horizonStartMillis) {
            throw new IllegalArgumentException("the demand horizon must end after it starts");
        }
        slots = Map.copyOf(slots);
    }

    /**
     * One hour of the week summed over its occurrences: requests, prompt, provider-reported cached and
     * cache-write tokens (with how many requests reported cached tokens at all), output tokens, batch-tier
     * requests, and the prompt and output tokens per second of the busiest sizing interval of any occurrence.
     */
    public record Slot(long requests, long promptTokens, long cachedTokens, long cacheWriteTokens, long cacheReportingRequests,
                       long outputTokens, long batchRequests, double peakPromptPerSecond, double peakOutputPerSecond) {
        public static final Slot EMPTY = new Slot(0, 0, 0, 0, 0, 0, 0, 0, 0);

        /** The sum of two, the peak of the busier interval. */
        public Slot plus(final Slot o) {
            final boolean busier = o.peakPromptPerSecond + o.peakOutputPerSecond > peakPromptPerSecond + peakOutputPerSecond;
            return new Slot(requests + o.requests, promptTokens + o.promptTokens, cachedTokens + o.cachedTokens,
                    cacheWriteTokens + o.cacheWriteTokens, cacheReportingRequests + o.cacheReportingRequests, outputTokens + o.outputTokens,
                    batchRequests + o.batchRequests, busier ? o.peakPromptPerSecond : peakPromptPerSecond,
                    busier ? o.peakOutputPerSecond : peakOutputPerSecond);
        }

        /** One sizing interval's totals as a slot whose peak is that interval. */
        public static Slot interval(final long millis, final long requests, final long prompt, final long cached, final long writes,
                                    final long reporting, final long output, final long batch) {
            final double seconds = Math.max(1, millis) / 1000.0;
            return new Slot(requests, prompt, cached, writes, reporting, output, batch, prompt / seconds, output / seconds);
        }
    }

    /** The hour of the week (0 = Monday 00:00 UTC) that an instant falls in. */
    public static int hourOfWeek(final long epochMillis) {
        return (int) Math.floorMod(Math.floorDiv(epochMillis, HOUR_MILLIS) + EPOCH_HOUR_OF_WEEK, HOURS_PER_WEEK);
    }

    /** Hours of the horizon that fall in each hour of the week (partial hours count in part). */
    public double[] hoursObserved() {
        final double[] hours = new double[HOURS_PER_WEEK];
        long at = horizonStartMillis;
        while (at < horizonEndMillis) {
            final long hourEnd = Math.min(horizonEndMillis, (Math.floorDiv(at, HOUR_MILLIS) + 1) * HOUR_MILLIS);
            hours[hourOfWeek(at)] += (hourEnd - at) / (double) HOUR_MILLIS;
            at = hourEnd;
        }
        return hours;
    }

    /** Hours the capture watched the lane. */
    public double hoursCaptured() {
        return (horizonEndMillis - horizonStartMillis) / (double) HOUR_MILLIS;
    }

    /** Days of the week (UTC) the horizon touched. */
    public Set<DayOfWeek> daysOfWeekSeen() {
        final Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        final double[] hours = hoursObserved();
        for (int h = 0; h < HOURS_PER_WEEK; h++) {
            if (hours[h] > 0) {
                days.add(DayOfWeek.of(h / 24 + 1));
            }
        }
        return days;
    }

    /**
     * Whether the horizon covers a whole week: every hour of the week watched for at least half an hour (so a
     * week-long trace that starts and ends mid-hour counts, a day short of a week does not).
     */
    public boolean fullWeek() {
        for (final double hours : hoursObserved()) {
            if (hours < 0.5) {
                return false;
            }
        }
        return true;
    }

    /** The slot of an hour of the week, empty when the lane had no traffic then. */
    public Slot slot(final int hourOfWeek) {
        return slots.getOrDefault(hourOfWeek, Slot.EMPTY);
    }

    /** Every slot's totals summed. */
    public Slot total() {
        Slot total = Slot.EMPTY;
        for (final Slot s : slots.values()) {
            total = total.plus(s);
        }
        return total;
    }

    /** Whether every request reported its cached tokens, so the reported cache hits are the lane's own. */
    public boolean cacheFullyReported() {
        final Slot t = total();
        return t.requests() > 0 && t.cacheReportingRequests() == t.requests();
    }

    /** Hours of the week that [from, to) touches. */
    public static List<Integer> hoursOfWeekIn(final long fromMillis, final long toMillis) {
        final List<Integer> out = new ArrayList<>();
        for (long at = fromMillis; at < toMillis && out.size() < HOURS_PER_WEEK; at = (Math.floorDiv(at, HOUR_MILLIS) + 1) * HOUR_MILLIS) {
            out.add(hourOfWeek(at));
        }
        return out;
    }

    /**
     * Folds demand into a profile: whole sizing intervals (a streams window) or single requests, which are
     * summed per minute first so that the busiest minute is the peak.
     */
    public static final class Builder {
        private final TreeMap<Long, long[]> minutes = new TreeMap<>();
        private final TreeMap<Integer, Slot> slots = new TreeMap<>();

        /** One sizing interval starting at {@code startMillis}. */
        public Builder addInterval(final long startMillis, final Slot interval) {
            slots.merge(hourOfWeek(startMillis), interval, Slot::plus);
            return this;
        }

        /** One request; {@code cachedTokens} null when its response did not report them. */
        public Builder addRequest(final long arrivalMillis, final long promptTokens, final Long cachedTokens, final long cacheWriteTokens,
                                  final long outputTokens, final boolean batch) {
            final long[] m = minutes.computeIfAbsent(Math.floorDiv(arrivalMillis, MINUTE_MILLIS), k -> new long[7]);
            m[0]++;
            m[1] += promptTokens;
            m[2] += cachedTokens == null ? 0 : Math.min(cachedTokens, promptTokens);
            m[3] += cacheWriteTokens;
            m[4] += cachedTokens == null ? 0 : 1;
            m[5] += outputTokens;
            m[6] += batch ? 1 : 0;
            return this;
        }

        public DemandProfile build(final long horizonStartMillis, final long horizonEndMillis) {
            for (final Map.Entry<Long, long[]> e : minutes.entrySet()) {
                final long[] m = e.getValue();
                final long start = e.getKey() * MINUTE_MILLIS;
                // a minute cut by the horizon's ends was busy only for the part inside it
                final long millis = Math.min(start + MINUTE_MILLIS, horizonEndMillis) - Math.max(start, horizonStartMillis);
                addInterval(start, Slot.interval(Math.max(1, millis), m[0], m[1], m[2], m[3], m[4], m[5], m[6]));
            }
            minutes.clear();
            return new DemandProfile(horizonStartMillis, horizonEndMillis, slots);
        }
    }
}
