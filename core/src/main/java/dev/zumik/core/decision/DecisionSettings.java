package dev.zumik.core.decision;

/**
 * Thresholds of the decision rules (DESIGN.md), with their defaults.
 *
 * @param materialGainPct      a replay is worth it only for an estimated BYOC gain of at least this (15%)
 * @param minMonthlySpendUsd   below this managed spend a lane is LOW_VOLUME (1,000 USD)
 * @param hotShare             a lane in the top two with at least this share of tokens is hot (0.3)
 * @param hotWindowsRequired   ... for at least this many consecutive windows: "sustained" (5)
 * @param warmHitRatio         concentrated volume pays only where warm caches hit at least this often (0.2)
 * @param goodCaptureRatio     managed capture at or above this means the provider already captures the reuse (0.8)
 * @param reuseLeftRatio       ideal minus managed hit ratio at or above this is reuse left on the table (0.1)
 * @param longPromptTokens     a median prompt this long, with no other reason, is LONG_PROMPTS_ALONE (8,000)
 */
public record DecisionSettings(double materialGainPct, double minMonthlySpendUsd, double hotShare, int hotWindowsRequired,
                               double warmHitRatio, double goodCaptureRatio, double reuseLeftRatio, long longPromptTokens) {

    public static DecisionSettings defaults() {
        return new DecisionSettings(15, 1000, 0.3, 5, 0.2, 0.8, 0.1, 8000);
    }
}
