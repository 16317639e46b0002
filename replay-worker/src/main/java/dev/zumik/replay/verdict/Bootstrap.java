package dev.zumik.replay.verdict;

import dev.zumik.replay.client.Outcome;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded paired bootstrap: each iteration draws the window's requests with replacement, the same
 * draw for both sides, and recomputes the cost gain and the latency deltas (candidate − baseline);
 * the interval is the percentile interval of those recomputations.
 */
public final class Bootstrap {
    /** A point estimate with its two-sided confidence interval. */
    public record Interval(double estimate, double low, double high) { }

    /** The intervals a verdict reports. */
    public record Result(int iterations, double confidence, Interval costGainPct, Interval ttftP50DeltaMs, Interval ttftP99DeltaMs,
                         Interval e2eP99DeltaMs) { }

    private Bootstrap() { }

    public static Result run(final ReplayCosts costs, final List<Outcome> baseline, final List<Outcome> candidate, final long warmupNanos,
                             final int iterations, final double confidence, final long seed) {
        final int n = baseline.size();
        final Latencies bTtft = new Latencies(baseline, warmupNanos, true);
        final Latencies cTtft = new Latencies(candidate, warmupNanos, true);
        final Latencies bE2e = new Latencies(baseline, warmupNanos, false);
        final Latencies cE2e = new Latencies(candidate, warmupNanos, false);
        final int[] ones = new int[n];
        Arrays.fill(ones, 1);
        final double[] gains = new double[iterations];
        final double[] p50 = new double[iterations];
        final double[] p99 = new double[iterations];
        final double[] e2e = new double[iterations];
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] weights = new int[n];
        for (int it = 0; it < iterations; it++) {
            Arrays.fill(weights, 0);
            for (int k = 0; k < n; k++) {
                weights[random.nextInt(n)]++;
            }
            gains[it] = costs.of(weights).gainPct();
            p50[it] = cTtft.percentile(weights, 50) - bTtft.percentile(weights, 50);
            p99[it] = cTtft.percentile(weights, 99) - bTtft.percentile(weights, 99);
            e2e[it] = cE2e.percentile(weights, 99) - bE2e.percentile(weights, 99);
        }
        return new Result(iterations, confidence, interval(costs.of(ones).gainPct(), gains, confidence),
                interval(cTtft.percentile(ones, 50) - bTtft.percentile(ones, 50), p50, confidence),
                interval(cTtft.percentile(ones, 99) - bTtft.percentile(ones, 99), p99, confidence),
                interval(cE2e.percentile(ones, 99) - bE2e.percentile(ones, 99), e2e, confidence));
    }

    static Interval interval(final double estimate, final double[] samples, final double confidence) {
        final double[] sorted = Arrays.stream(samples).filter(v -> !Double.isNaN(v)).sorted().toArray();
        final double tail = (1 - confidence) / 2 * 100;
        return new Interval(estimate, Percentiles.rank(sorted, tail), Percentiles.rank(sorted, 100 - tail));
    }

    /** One side's measured latencies sorted once, so a weighted percentile is a single walk. */
    private static final class Latencies {
        private final double[] values;
        private final int[] owners;

        Latencies(final List<Outcome> outcomes, final long warmupNanos, final boolean ttft) {
            final double[][] pairs = outcomes.stream()
                    .filter(o -> o.ok() && o.intendedNanos() >= warmupNanos && (ttft ? o.ttftNanos() >= 0 : o.e2eNanos() >= 0))
                    .map(o -> new double[] {(ttft ? o.ttftNanos() : o.e2eNanos()) / 1e6, o.index()})
                    .sorted((a, b) -> Double.compare(a[0], b[0])).toArray(double[][]::new);
            values = new double[pairs.length];
            owners = new int[pairs.length];
            for (int i = 0; i < pairs.length; i++) {
                values[i] = pairs[i][0];
                owners[i] = (int) pairs[i][1];
            }
        }

        /** Nearest-rank percentile of the values, each counted as often as its request was drawn. */
        double percentile(final int[] weights, final double p) {
            long total = 0;
            for (final int owner : owners) {
                total += weights[owner];
            }
            if (total == 0) {
                return Double.NaN;
            }
            final long rank = Math.max(1, (long) Math.ceil(p / 100 * total));
            long seen = 0;
            for (int i = 0; i < values.length; i++) {
                seen += weights[owners[i]];
                if (seen >= rank) {
                    return values[i];
                }
            }
            return values[values.length - 1];
        }
    }
}
