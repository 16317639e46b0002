package dev.zumik.core.decision;

import java.util.List;
import java.util.Map;

/** The advice for one lane over one period, with the numbers behind it. */
public record Diagnosis(Decision decision, List<String> reasons, Map<String, Double> figures, List<Lever> levers, Double estimatedGainPct,
                        String profile) {

    public enum Decision { STAY_MANAGED, USE_MANAGED_LEVERS, REPLAY_CANDIDATE }

    /** A managed-side change that would save money without leaving the provider. */
    public record Lever(String lever, String advice, double estimatedMonthlySavingsUsd, double estimatedSavingsPct) { }
}
