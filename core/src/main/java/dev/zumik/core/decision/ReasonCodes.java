package dev.zumik.core.decision;

import java.util.Map;

/** What each reason code of a diagnosis or a verdict means, in a sentence a lane's owner can act on. */
public final class ReasonCodes {
    private static final Map<String, String> MEANING = Map.ofEntries(
            Map.entry("NO_PRICE", "the price table has no managed price for this model, so nothing can be compared"),
            Map.entry("LOW_VOLUME", "the lane spends too little on the managed API for self-hosting to pay"),
            Map.entry("LATENCY_SLO", "the lane misses a declared latency objective on the managed API"),
            Map.entry("CONCENTRATED_HOT_VOLUME", "sustained traffic on a top lane, with warm caches that would hit"),
            Map.entry("ISOLATION_REQUIRED", "the lane declares isolation or purge requirements a managed API cannot meet"),
            Map.entry("NO_MATERIAL_GAIN", "self-hosting would not save at least the material threshold"),
            Map.entry("LONG_PROMPTS_ALONE", "long prompts alone never justify self-hosting"),
            Map.entry("NO_BYOC_REASON", "none of the reasons that can justify self-hosting holds (latency SLO, concentrated hot volume, isolation)"),
            Map.entry("MANAGED_ALREADY_CAPTURES", "managed prompt caching already captures the reuse there is"),
            Map.entry("MATERIAL_GAIN", "the replay's cost gain is at least the material threshold"),
            Map.entry("GAIN_SIGNIFICANT", "the gain's confidence interval lies above zero"),
            Map.entry("GAIN_NOT_SIGNIFICANT", "the gain's confidence interval reaches zero or below"),
            Map.entry("SLO_NO_WORSE", "the candidate meets the lane's SLOs as often as the managed API"),
            Map.entry("SLO_WORSE", "the candidate meets the lane's SLOs less often than the managed API"),
            Map.entry("EQUAL_CAPTURE", "the candidate's caches capture as much of the prompts as managed caching"),
            Map.entry("CAPTURE_WORSE", "the candidate's caches capture less of the prompts than managed caching"),
            Map.entry("SCHEDULE_LAG", "the replay fell behind its schedule, so its latencies cannot be trusted"),
            Map.entry("BASELINE_ERRORS", "too many baseline requests failed"),
            Map.entry("CANDIDATE_ERRORS", "too many candidate requests failed"),
            Map.entry("CANDIDATE_UNREACHABLE", "no request reached the candidate"),
            Map.entry("BASELINE_UNREACHABLE", "no request reached the managed baseline"),
            Map.entry("EMPTY_WINDOW", "no requests of the lane arrived in the window"),
            Map.entry("WINDOW_TRUNCATED_BY_RETENTION", "part of the window had already been deleted from the shape topic"));

    private ReasonCodes() { }

    /** The code's meaning, or the code itself when it is not known here. */
    public static String explain(final String code) {
        return MEANING.getOrDefault(code, code);
    }
}
