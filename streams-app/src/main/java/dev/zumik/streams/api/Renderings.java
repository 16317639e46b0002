package dev.zumik.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.ManagedLever;
import dev.zumik.schemas.topics.Lanes;
import java.util.Map;

/** JSON of the query API: diagnoses and window statistics (sketches left out; their quantiles are in). */
final class Renderings {
    static final ObjectMapper JSON = new ObjectMapper();

    private Renderings() { }

    static ObjectNode diagnosis(final LaneDiagnosis d) {
        final ObjectNode out = JSON.createObjectNode().put("lane", Lanes.key(d.getLane()))
                .put("period_start", d.getPeriodStart().toString()).put("period_end", d.getPeriodEnd().toString())
                .put("decision", d.getDecision().name());
        final ArrayNode reasons = out.putArray("reasons");
        d.getReasons().forEach(reasons::add);
        final ObjectNode figures = out.putObject("figures");
        new java.util.TreeMap<>(d.getFigures()).forEach(figures::put);
        final ArrayNode levers = out.putArray("levers");
        for (final ManagedLever l : d.getLevers()) {
            levers.addObject().put("lever", l.getLever()).put("advice", l.getAdvice())
                    .put("estimated_monthly_savings_usd", l.getEstimatedMonthlySavingsUsd()).put("estimated_savings_pct", l.getEstimatedSavingsPct());
        }
        if (d.getEstimatedGainPct() != null) {
            out.put("estimated_gain_pct", d.getEstimatedGainPct());
        }
        if (d.getProfile() != null) {
            out.put("profile", d.getProfile());
        }
        return out;
    }

    static ObjectNode stats(final LaneWindowStats s) {
        final ObjectNode out = JSON.createObjectNode().put("lane", Lanes.key(s.getLane()))
                .put("window_start", s.getWindowStart().toString()).put("window_end", s.getWindowEnd().toString())
                .put("requests", s.getRequests()).put("prompt_tokens", s.getPromptTokens()).put("completion_tokens", s.getCompletionTokens())
                .put("reported_cached_tokens", s.getReportedCachedTokens()).put("cache_reporting_requests", s.getCacheReportingRequests())
                .put("reported_cache_write_tokens", s.getReportedCacheWriteTokens()).put("batch_tier_requests", s.getBatchTierRequests());
        if (s.getPeakToMeanArrivals() != null) {
            out.put("peak_to_mean_arrivals", s.getPeakToMeanArrivals());
        }
        final ObjectNode errors = out.putObject("errors_by_class");
        s.getErrorsByClass().forEach(errors::put);
        final ObjectNode quantiles = out.putObject("quantiles");
        new java.util.TreeMap<>(s.getQuantiles()).forEach(quantiles::put);
        final ObjectNode hits = out.putObject("simulated_hit_tokens");
        for (final Map.Entry<String, Long> e : new java.util.TreeMap<>(s.getSimulatedHitTokens()).entrySet()) {
            hits.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
