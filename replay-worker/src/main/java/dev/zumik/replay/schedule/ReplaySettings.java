package dev.zumik.replay.schedule;

import java.time.Duration;

/**
 * How a replay runs and when its result is trusted.
 *
 * @param timeScale        speed-up of the captured arrival times (10 = ten times faster); the window's
 *                         volume is priced at its captured, not its replayed, rate
 * @param concurrency      most requests in flight per side; a request that would exceed it waits, and its
 *                         wait shows as schedule lag
 * @param sequential       fire the baseline first and the candidate after it, instead of both at once
 * @param warmup           requests intended in the first {@code warmup} of the replay are sent but left
 *                         out of latency figures (caches start cold on both sides either way)
 * @param maxLagP99Millis  schedule lag p99 above this makes the verdict INCONCLUSIVE (50 ms)
 * @param maxErrorRate     a side failing more than this share of requests makes it INCONCLUSIVE (0.05)
 * @param maxRetries       connection retries per request (error statuses are never retried)
 * @param idleTimeout      a request with no byte for this long fails as TIMEOUT
 * @param bootstrapIterations resamples for the confidence intervals (1,000)
 * @param confidence       two-sided interval level (0.95)
 * @param seed             seeds the bootstrap, so the same replay gives the same intervals
 * @param repetitions      times the window is replayed, each under a fresh prompt salt; between-run variance
 *                         goes into the intervals
 * @param bootstrapBlock   the bootstrap resamples blocks of the schedule this long (10 s), or a tenth of the
 *                         replay's span when that is shorter, so correlated neighbours move together
 */
public record ReplaySettings(double timeScale, int concurrency, boolean sequential, Duration warmup, double maxLagP99Millis,
                             double maxErrorRate, int maxRetries, Duration idleTimeout, int bootstrapIterations, double confidence,
                             long seed, int repetitions, Duration bootstrapBlock) {

    public ReplaySettings {
        require(timeScale > 0, "time scale must be > 0, got " + timeScale);
        require(concurrency >= 1, "concurrency must be >= 1, got " + concurrency);
        require(!warmup.isNegative(), "warm-up must be >= 0");
        require(maxLagP99Millis > 0, "max lag p99 must be > 0 ms");
        require(maxErrorRate >= 0 && maxErrorRate <= 1, "max error rate must be in [0, 1]");
        require(maxRetries >= 0, "max retries must be >= 0");
        require(bootstrapIterations >= 100, "bootstrap iterations must be >= 100");
        require(confidence > 0.5 && confidence < 1, "confidence must be in (0.5, 1)");
        require(repetitions >= 1, "repetitions must be >= 1, got " + repetitions);
        require(bootstrapBlock.toMillis() >= 1, "bootstrap block must be >= 1 ms");
    }

    public static ReplaySettings defaults() {
        return new ReplaySettings(1, 10_000, false, Duration.ZERO, 50, 0.05, 1, Duration.ofMinutes(2), 1000, 0.95, 42, 1,
                Duration.ofSeconds(10));
    }

    public ReplaySettings withTimeScale(final double scale) {
        return new ReplaySettings(scale, concurrency, sequential, warmup, maxLagP99Millis, maxErrorRate, maxRetries, idleTimeout,
                bootstrapIterations, confidence, seed, repetitions, bootstrapBlock);
    }

    public ReplaySettings withRepetitions(final int times) {
        return new ReplaySettings(timeScale, concurrency, sequential, warmup, maxLagP99Millis, maxErrorRate, maxRetries, idleTimeout,
                bootstrapIterations, confidence, seed, times, bootstrapBlock);
    }

    private static void require(final boolean ok, final String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }
}
