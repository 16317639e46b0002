package dev.zumik.streams.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.schemas.avro.DemandHour;
import dev.zumik.schemas.avro.DemandProfile;
import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.ManagedLever;
import dev.zumik.schemas.topics.Lanes;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        new TreeMap<>(d.getFigures()).forEach(figures::put);
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

    /**
     * A lane's windows summed so far (requests, tokens, provider-reported capture = cached / prompt, simulated
     * reuse = hit tokens / prompt per cache policy) and its latest {@code recent} windows, each marked open while
     * its end is still ahead of {@code now}.
     */
    static ObjectNode live(final List<LaneWindowStats> windows, final Instant now, final int recent) {
        long requests = 0;
        long prompt = 0;
        long completion = 0;
        long cached = 0;
        long reporting = 0;
        final Map<String, Long> hits = new TreeMap<>();
        for (final LaneWindowStats w : windows) {
            requests += w.getRequests();
            prompt += w.getPromptTokens();
            completion += w.getCompletionTokens();
            cached += w.getReportedCachedTokens();
            reporting += w.getCacheReportingRequests();
            w.getSimulatedHitTokens().forEach((policy, tokens) -> hits.merge(policy, tokens, Long::sum));
        }
        final ObjectNode out = JSON.createObjectNode().put("since", windows.get(0).getWindowStart().toString()).put("requests", requests)
                .put("prompt_tokens", prompt).put("completion_tokens", completion);
        if (reporting > 0 && prompt > 0) {
            out.put("reported_capture", (double) cached / prompt);
        }
        final ObjectNode reuse = out.putObject("hit_ratio");
        for (final Map.Entry<String, Long> e : hits.entrySet()) {
            if (prompt > 0) {
                reuse.put(e.getKey(), (double) e.getValue() / prompt);
            }
        }
        final ArrayNode latest = out.putArray("windows");
        for (final LaneWindowStats w : windows.subList(Math.max(0, windows.size() - recent), windows.size())) {
            latest.add(stats(w).put("open", w.getWindowEnd().isAfter(now)));
        }
        return out;
    }

    /** A lane's hour-of-week demand, as a replay request carries it (field names of the Avro DemandProfile, snake_case). */
    static ObjectNode demand(final DemandProfile d) {
        final ObjectNode out = JSON.createObjectNode().put("horizon_start", d.getHorizonStart().toString())
                .put("horizon_end", d.getHorizonEnd().toString());
        final ArrayNode hours = out.putArray("hours");
        for (final DemandHour h : d.getHours()) {
            hours.addObject().put("hour_of_week", h.getHourOfWeek()).put("requests", h.getRequests()).put("prompt_tokens", h.getPromptTokens())
                    .put("cached_tokens", h.getCachedTokens()).put("cache_write_tokens", h.getCacheWriteTokens())
                    .put("cache_reporting_requests", h.getCacheReportingRequests()).put("output_tokens", h.getOutputTokens())
                    .put("batch_requests", h.getBatchRequests()).put("peak_prompt_tokens_per_second", h.getPeakPromptTokensPerSecond())
                    .put("peak_output_tokens_per_second", h.getPeakOutputTokensPerSecond());
        }
        return out;
    }

    static ObjectNode stats(final LaneWindowStats s) {
        final ObjectNode out = JSON.createObjectNode().put("lane", Lanes.key(s.getLane()))
                .put("window_start", s.getWindowStart().toString()).put("window_end", s.getWindowEnd().toString())
                .put("requests", s.getRequests()).put("prompt_tokens", s.getPromptTokens()).put("completion_tokens", s.getCompletionTokens())
                .put("reported_cached_tokens", s.getReportedCachedTokens()).put("cache_reporting_requests", s.getCacheReportingRequests())
                .put("reported_cache_write_tokens", s.getReportedCacheWriteTokens()).put("batch_tier_requests", s.getBatchTierRequests())
                .put("late_requests", s.getLateRequests());
        if (s.getPeakToMeanArrivals() != null) {
            out.put("peak_to_mean_arrivals", s.getPeakToMeanArrivals());
        }
        final ObjectNode errors = out.putObject("errors_by_class");
        s.getErrorsByClass().forEach(errors::put);
        final ObjectNode quantiles = out.putObject("quantiles");
        new TreeMap<>(s.getQuantiles()).forEach(quantiles::put);
        final ObjectNode hits = out.putObject("simulated_hit_tokens");
        for (final Map.Entry<String, Long> e : new TreeMap<>(s.getSimulatedHitTokens()).entrySet()) {
            hits.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
