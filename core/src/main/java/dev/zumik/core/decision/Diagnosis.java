package dev.zumik.core.decision;

import java.util.List;
import java.util.Map;

/**
 * The advice for one lane over one period, with the numbers behind it. For a REPLAY_CANDIDATE, the
 * reasons are the BYOC reasons whose estimate holds: the replay tests each of them again.
 */
public record Diagnosis(Decision decision, List<ReasonCode> reasons, Map<String, Double> figures, List<Lever> levers, Double estimatedGainPct,
                        String profile) {

    public enum Decision { STAY_MANAGED, USE_MANAGED_LEVERS, REPLAY_CANDIDATE }

    /** A managed-side change that would save money without leaving the provider (a negative saving is a premium, e.g. PRIORITY_TIER). */
    public record Lever(String lever, String advice, double estimatedMonthlySavingsUsd, double estimatedSavingsPct) { }

    public List<String> reasonNames() {
        return reasons.stream().map(Enum::name).toList();
    }
}
