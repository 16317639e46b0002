package dev.zumik.replay.verdict;

import dev.zumik.replay.client.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded paired block bootstrap over one or more repetitions of a replay. Each iteration picks a
 * repetition at random (so the spread between repetitions widens the interval), then draws the
 * schedule's time blocks with replacement, as many as there are, the same draw for both sides, and
 * recomputes the cost gain and the latency deltas (candidate − baseline). Requests close in time share
 * cache state and queueing, so resampling blocks rather than single requests keeps that correlation.
 * The estimate is the mean of the repetitions' full-sample figures; the interval is the percentile
 * interval of the recomputations.
 */
public final class Bootstrap {
    /** A point estimate with its two-sided confidence interval. */
    public record Interval(double estimate, double low, double high) { }

    /** The intervals a verdict reports. */
    public record Result(int iterations, double confidence, Interval costGainPct, Interval ttftP50DeltaMs, Interval ttftP99DeltaMs,
                         Interval e2eP99DeltaMs) { }

    /** At least this many blocks: a replay shorter than ten blocks uses shorter blocks. */
    static final int MIN_BLOCKS = 10;

    private Bootstrap() { }

    /**
     * @param costs      each repetition's costs
     * @param baselines  each repetition's baseline outcomes, in shape order
     * @param candidates each repetition's candidate outcomes
     * @param blockNanos the block length asked for (shortened to a tenth of the schedule's span when that is less)
     */
    public static Result run(final List<ReplayCosts> costs, final List<List<Outcome>> baselines, final List<List<Outcome>> candidates,
                             final long warmupNanos, final long blockNanos, final int iterations, final double confidence, final long seed) {
        final int runs = costs.size();
        final int n = baselines.get(0).size();
        final Latencies[] bTtft = new Latencies[runs];
        final Latencies[] cTtft = new Latencies[runs];
        final Latencies[] bE2e = new Latencies[runs];
        final Latencies[] cE2e = new Latencies[runs];
        for (int r = 0; r < runs; r++) {
            bTtft[r] = new Latencies(baselines.get(r), warmupNanos, true);
            cTtft[r] = new Latencies(candidates.get(r), warmupNanos, true);
            bE2e[r] = new Latencies(baselines.get(r), warmupNanos, false);
            cE2e[r] = new Latencies(candidates.get(r), warmupNanos, false);
        }
        final int[][] blocks = blocks(baselines.get(0), blockNanos);
        final int[] ones = new int[n];
        Arrays.fill(ones, 1);
        final double[] gains = new double[iterations];
        final double[] p50 = new double[iterations];
        final double[] p99 = new double[iterations];
        final double[] e2e = new double[iterations];
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] weights = new int[n];
        for (int it = 0; it < iterations; it++) {
            final int r = random.nextInt(runs);
            Arrays.fill(weights, 0);
            for (int k = 0; k < blocks.length; k++) {
                for (final int i : blocks[random.nextInt(blocks.length)]) {
                    weights[i]++;
                }
            }
            gains[it] = costs.get(r).of(weights).gainPct();
            p50[it] = cTtft[r].percentile(weights, 50) - bTtft[r].percentile(weights, 50);
            p99[it] = cTtft[r].percentile(weights, 99) - bTtft[r].percentile(weights, 99);
            e2e[it] = cE2e[r].percentile(weights, 99) - bE2e[r].percentile(weights, 99);
        }
        final double[] gain = new double[runs];
        final double[] p50All = new double[runs];
        final double[] p99All = new double[runs];
        final double[] e2eAll = new double[runs];
        for (int r = 0; r < runs; r++) {
            gain[r] = costs.get(r).of(ones).gainPct();
            p50All[r] = cTtft[r].percentile(ones, 50) - bTtft[r].percentile(ones, 50);
            p99All[r] = cTtft[r].percentile(ones, 99) - bTtft[r].percentile(ones, 99);
            e2eAll[r] = cE2e[r].percentile(ones, 99) - bE2e[r].percentile(ones, 99);
        }
        return new Result(iterations, confidence, interval(mean(gain), gains, confidence), interval(mean(p50All), p50, confidence),
                interval(mean(p99All), p99, confidence), interval(mean(e2eAll), e2e, confidence));
    }

    /** The requests of each non-empty block of the schedule, by intended send time. */
    static int[][] blocks(final List<Outcome> outcomes, final long blockNanos) {
        final long span = outcomes.stream().mapToLong(Outcome::intendedNanos).max().orElse(0);
        final long block = Math.max(1_000_000L, Math.min(blockNanos, span / MIN_BLOCKS));
        final TreeMap<Long, List<Integer>> byBlock = new TreeMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            byBlock.computeIfAbsent(outcomes.get(i).intendedNanos() / block, k -> new ArrayList<>()).add(i);
        }
        return byBlock.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
    }

    private static double mean(final double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
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
                    .map(o -> new double[] {(ttft ? o.ttftNanos() : o.e2eAtTargetNanos()) / 1e6, o.index()})
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
