package dev.zumik.core.decision;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Thresholds of the decision rules (docs/METRICS.md, "Decision rules"), with their defaults. Every one
 * is a setting {@code decision.<key>} (properties file, {@code ZUMIK_DECISION_*}, {@code --decision
 * KEY=VALUE}), and every diagnosis and verdict echoes the ones in force.
 *
 * @param materialGainPct        a gain worth moving for, percent (15): hot volume's interval low end, a replay candidate's estimate
 * @param minMonthlySpendUsd     below this managed spend a lane is LOW_VOLUME (1,000 USD)
 * @param hotShare               a top-two lane with at least this share of tokens is concentrated (0.3)
 * @param hotWindows             ... for at least this many consecutive windows: "sustained" (5)
 * @param hotMinMonthlySpendUsd  hot volume also needs at least this managed spend, whatever its share (10,000 USD)
 * @param captureRatio           managed capture (reported cached / the managed model's simulated hits) at or above this
 *                               is "managed already captures" (0.8)
 * @param incrementalReuseRatio  the best BYOC profile's hit ratio minus the managed model's: below this there is no reuse
 *                               left for BYOC (the stay-put gate), at or above it hot volume has something to win (0.1)
 * @param longPromptTokens       a median prompt this long, with no other reason, is LONG_PROMPTS_ALONE (8,000)
 * @param sloTarget              share of requests that must meet a declared SLO for it to count as met (0.99)
 * @param acceptedPremiumPct     how much more than managed a lane pays for its SLO or isolation, percent, unless its policy says (0)
 * @param sloTolerance           SLO attainment may trail the baseline's by this and count as no worse (0.01)
 * @param captureTolerance       capture may trail the baseline's by this and count as equal (0.02)
 * @param deletionDrillMaxAgeDays a lane requiring runtime-confirmed deletion needs a confirmed deletion drill of the candidate
 *                               no older than this, in days (30)
 */
public record DecisionSettings(double materialGainPct, double minMonthlySpendUsd, double hotShare, int hotWindows,
                               double hotMinMonthlySpendUsd, double captureRatio, double incrementalReuseRatio, long longPromptTokens,
                               double sloTarget, double acceptedPremiumPct, double sloTolerance, double captureTolerance,
                               double deletionDrillMaxAgeDays) {

    public static final String PREFIX = "decision.";

    public DecisionSettings {
        requireAtLeast("material.gain.pct", materialGainPct, 0);
        requireAtLeast("min.monthly.spend.usd", minMonthlySpendUsd, 0);
        requireShare("hot.share", hotShare);
        requireAtLeast("hot.windows", hotWindows, 1);
        requireAtLeast("hot.min.monthly.spend.usd", hotMinMonthlySpendUsd, 0);
        requireShare("capture.ratio", captureRatio);
        requireShare("incremental.reuse.ratio", incrementalReuseRatio);
        requireAtLeast("long.prompt.tokens", longPromptTokens, 0);
        if (!(sloTarget > 0 && sloTarget <= 1)) {
            throw new IllegalArgumentException(PREFIX + "slo.target must be in (0, 1], got " + sloTarget);
        }
        requireAtLeast("accepted.premium.pct", acceptedPremiumPct, 0);
        requireShare("slo.tolerance", sloTolerance);
        requireShare("capture.tolerance", captureTolerance);
        if (!(deletionDrillMaxAgeDays > 0) || Double.isInfinite(deletionDrillMaxAgeDays)) {
            throw new IllegalArgumentException(PREFIX + "deletion.drill.max.age.days must be a number > 0, got " + deletionDrillMaxAgeDays);
        }
    }

    public static DecisionSettings defaults() {
        return new DecisionSettings(15, 1000, 0.3, 5, 10_000, 0.8, 0.1, 8000, 0.99, 0, 0.01, 0.02, 30);
    }

    /**
     * The defaults overridden by every {@code decision.*} key of {@code settings} (other keys are ignored);
     * an unknown {@code decision.*} key or a value out of range is an IllegalArgumentException naming it.
     */
    public static DecisionSettings fromMap(final Map<String, String> settings) {
        final Map<String, Double> values = new LinkedHashMap<>(defaults().asMap());
        settings.forEach((key, value) -> {
            if (!key.startsWith(PREFIX)) {
                return;
            }
            final String name = key.substring(PREFIX.length());
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("unknown setting " + key + ": the decision settings are "
                        + String.join(", ", values.keySet().stream().map(k -> PREFIX + k).toList()));
            }
            try {
                values.put(name, Double.parseDouble(value.trim()));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
            }
        });
        final double hotWindows = values.get("hot.windows");
        final double longPrompt = values.get("long.prompt.tokens");
        if (hotWindows != Math.rint(hotWindows) || longPrompt != Math.rint(longPrompt)) {
            throw new IllegalArgumentException(PREFIX + "hot.windows and " + PREFIX + "long.prompt.tokens must be whole numbers");
        }
        return new DecisionSettings(values.get("material.gain.pct"), values.get("min.monthly.spend.usd"), values.get("hot.share"),
                (int) hotWindows, values.get("hot.min.monthly.spend.usd"), values.get("capture.ratio"), values.get("incremental.reuse.ratio"),
                (long) longPrompt, values.get("slo.target"), values.get("accepted.premium.pct"), values.get("slo.tolerance"),
                values.get("capture.tolerance"), values.get("deletion.drill.max.age.days"));
    }

    /** Every threshold by its setting key without the prefix, in a fixed order: what diagnoses and verdicts echo. */
    public Map<String, Double> asMap() {
        final Map<String, Double> m = new LinkedHashMap<>();
        m.put("material.gain.pct", materialGainPct);
        m.put("min.monthly.spend.usd", minMonthlySpendUsd);
        m.put("hot.share", hotShare);
        m.put("hot.windows", (double) hotWindows);
        m.put("hot.min.monthly.spend.usd", hotMinMonthlySpendUsd);
        m.put("capture.ratio", captureRatio);
        m.put("incremental.reuse.ratio", incrementalReuseRatio);
        m.put("long.prompt.tokens", (double) longPromptTokens);
        m.put("slo.target", sloTarget);
        m.put("accepted.premium.pct", acceptedPremiumPct);
        m.put("slo.tolerance", sloTolerance);
        m.put("capture.tolerance", captureTolerance);
        m.put("deletion.drill.max.age.days", deletionDrillMaxAgeDays);
        return m;
    }

    /** For logs: {@code decision.material.gain.pct=15.0, ...}, sorted. */
    @Override
    public String toString() {
        final Map<String, Double> sorted = new TreeMap<>();
        asMap().forEach((k, v) -> sorted.put(PREFIX + k, v));
        return sorted.toString();
    }

    private static void requireAtLeast(final String key, final double value, final double min) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(PREFIX + key + " must be a number >= " + (long) min + ", got " + value);
        }
    }

    private static void requireShare(final String key, final double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(PREFIX + key + " must be in [0, 1], got " + value);
        }
    }
}
