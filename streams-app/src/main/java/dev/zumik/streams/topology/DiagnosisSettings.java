package dev.zumik.streams.topology;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.LanePolicies;
import java.time.Duration;
import java.util.List;

/**
 * How lanes are diagnosed: prices, the BYOC profiles compared, lane policies and decision thresholds;
 * the evaluation period in windows; and replay triggering (a cooldown per lane, and the replay speed-up).
 */
public record DiagnosisSettings(PriceTable prices, List<ByocProfile> profiles, LanePolicies lanePolicies, DecisionSettings decision,
                                int evaluationWindows, Duration replayCooldown, double replayTimeScale) {
    public static final int DEFAULT_EVALUATION_WINDOWS = 15;
    public static final Duration DEFAULT_REPLAY_COOLDOWN = Duration.ofHours(6);
    public static final double DEFAULT_TIME_SCALE = 1;

    public DiagnosisSettings {
        if (evaluationWindows < 1 || replayCooldown.isNegative() || !(replayTimeScale > 0)) {
            throw new IllegalArgumentException("evaluation windows >= 1, replay cooldown >= 0 and time scale > 0 are required");
        }
        profiles = List.copyOf(profiles);
    }

    /** Shipped prices and profiles, no lane policies, default thresholds. */
    public static DiagnosisSettings defaults() {
        return new DiagnosisSettings(PriceTable.defaults(), ByocProfile.SHIPPED.stream().map(ByocProfile::shipped).toList(), LanePolicies.none(),
                DecisionSettings.defaults(), DEFAULT_EVALUATION_WINDOWS, DEFAULT_REPLAY_COOLDOWN, DEFAULT_TIME_SCALE);
    }

    public DiagnosisSettings withEvaluationWindows(final int windows) {
        return new DiagnosisSettings(prices, profiles, lanePolicies, decision, windows, replayCooldown, replayTimeScale);
    }

    public DiagnosisSettings withLanePolicies(final LanePolicies policies) {
        return new DiagnosisSettings(prices, profiles, policies, decision, evaluationWindows, replayCooldown, replayTimeScale);
    }

    public DiagnosisSettings withDecision(final DecisionSettings settings) {
        return new DiagnosisSettings(prices, profiles, lanePolicies, settings, evaluationWindows, replayCooldown, replayTimeScale);
    }
}
