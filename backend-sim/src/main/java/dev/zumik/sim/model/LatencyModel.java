package dev.zumik.sim.model;

/**
 * The latency of one simulated replica, as a continuous-batching approximation:
 * <ul>
 *   <li>prefill work = uncached prompt tokens / prefill rate + tokens hit in each slower tier /
 *       that tier's load rate (tier 0, HBM, loads for free); prefills share {@code prefillLanes}
 *       lanes (1 on a GPU: prefills queue behind each other);</li>
 *   <li>TTFT = wait for a batch slot + wait for a prefill lane + prefill work + fixed overhead
 *       (network, tokenization, framework);</li>
 *   <li>a decode step gives every running request one token and takes
 *       {@code itl × (1 + batchSlowdown × (batch − 1))}: decoding slows as the batch grows.</li>
 * </ul>
 * Every duration is multiplied by a seeded jitter factor drawn uniformly from {@code [1 − jitter, 1 + jitter]}.
 */
public record LatencyModel(double prefillTokensPerSecond, double overheadMillis, double itlMillis, double batchSlowdown,
                           int maxBatch, int prefillLanes, double jitter, double[] tierLoadTokensPerSecond) {

    public LatencyModel {
        if (!(prefillTokensPerSecond > 0) || !(itlMillis > 0) || overheadMillis < 0 || batchSlowdown < 0) {
            throw new IllegalArgumentException("latency: prefill rate and ITL must be > 0, overhead and batch slowdown >= 0");
        }
        if (maxBatch < 1 || prefillLanes < 1) {
            throw new IllegalArgumentException("latency: maxBatch and prefillLanes must be >= 1");
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("latency: jitter must be in [0, 1), got " + jitter);
        }
        tierLoadTokensPerSecond = tierLoadTokensPerSecond == null ? new double[0] : tierLoadTokensPerSecond.clone();
        for (int i = 1; i < tierLoadTokensPerSecond.length; i++) {
            if (!(tierLoadTokensPerSecond[i] > 0)) {
                throw new IllegalArgumentException("latency: the load rate of tier " + i + " must be > 0");
            }
        }
    }

    /** Prefill work in nanoseconds; {@code hitTokensByTier[0]} is in HBM and costs nothing to reuse. */
    public long prefillWorkNanos(final long uncachedTokens, final long[] hitTokensByTier, final double uniform) {
        double seconds = uncachedTokens / prefillTokensPerSecond;
        for (int tier = 1; tier < hitTokensByTier.length && tier < tierLoadTokensPerSecond.length; tier++) {
            seconds += hitTokensByTier[tier] / tierLoadTokensPerSecond[tier];
        }
        return Math.round(seconds * 1e9 * jitterFactor(uniform));
    }

    public long overheadNanos(final double uniform) {
        return Math.round(overheadMillis * 1e6 * jitterFactor(uniform));
    }

    /** One decode step with {@code batch} requests decoding. */
    public long stepNanos(final int batch, final double uniform) {
        return Math.round(itlMillis * (1 + batchSlowdown * (Math.max(batch, 1) - 1)) * 1e6 * jitterFactor(uniform));
    }

    /** {@code uniform} in [0, 1) maps to [1 − jitter, 1 + jitter). */
    public double jitterFactor(final double uniform) {
        return 1 + jitter * (2 * uniform - 1);
    }
}
