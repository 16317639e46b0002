package dev.zumik.replay.verdict;

import java.util.Arrays;

/** Nearest-rank percentiles (docs/METRICS.md): the value at rank ceil(p/100 × n) of the sorted sample. */
public final class Percentiles {
    private Percentiles() { }

    /** p50, p90 and p99 of {@code values} (NaN entries dropped); NaNs when nothing is left. */
    public static Summary of(final double[] values) {
        final double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        return new Summary(sorted.length, rank(sorted, 50), rank(sorted, 90), rank(sorted, 99));
    }

    /** The nearest-rank percentile of an already sorted sample. */
    public static double rank(final double[] sorted, final double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        final int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    /** Percentiles in milliseconds of one latency measure. */
    public record Summary(int count, double p50, double p90, double p99) { }
}
