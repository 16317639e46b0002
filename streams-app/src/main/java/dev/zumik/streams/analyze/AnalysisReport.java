package dev.zumik.streams.analyze;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.core.reuse.ReuseTotals;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code zumik analyze} reports: per lane, request and token counts, prompt and output length
 * percentiles (nearest rank), and per cache policy the ratios of docs/METRICS.md. Rendered as JSON and as a table.
 */
public record AnalysisReport(List<LaneReport> lanes) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public record LaneReport(String lane, long requests, @JsonProperty("prompt_tokens") long promptTokens,
                             @JsonProperty("completion_tokens") long completionTokens,
                             @JsonProperty("prompt_length") Percentiles promptLength,
                             @JsonProperty("output_length") Percentiles outputLength, List<PolicyReport> policies) { }

    public record PolicyReport(String policy, long requests, @JsonProperty("prompt_tokens") long promptTokens,
                               @JsonProperty("hit_tokens") long hitTokens, long blocks, @JsonProperty("hit_blocks") long hitBlocks,
                               @JsonProperty("token_hit_ratio") double tokenHitRatio,
                               @JsonProperty("prefix_block_ratio") double prefixBlockRatio,
                               @JsonProperty("mean_request_hit_ratio") double meanRequestHitRatio,
                               @JsonProperty("hit_tokens_by_tier") Map<String, Long> hitTokensByTier) {
        static PolicyReport of(final CachePolicy policy, final ReuseTotals totals) {
            final Map<String, Long> byTier = new LinkedHashMap<>();
            final long[] tiers = totals.hitTokensByTier();
            for (int i = 0; i < tiers.length; i++) {
                byTier.put(policy.tiers().get(i), tiers[i]);
            }
            return new PolicyReport(policy.name(), totals.requests(), totals.promptTokens(), totals.hitTokens(), totals.blocks(),
                    totals.hitBlocks(), totals.tokenHitRatio(), totals.prefixBlockRatio(), totals.meanRequestHitRatio(), byTier);
        }
    }

    /** Nearest-rank percentiles: the smallest value with at least p% of values at or below it. */
    public record Percentiles(long p50, long p90, long p99, long max, double mean) {
        static Percentiles of(final long[] values) {
            if (values.length == 0) {
                return new Percentiles(0, 0, 0, 0, 0);
            }
            final long[] sorted = values.clone();
            Arrays.sort(sorted);
            return new Percentiles(rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), sorted[sorted.length - 1],
                    Arrays.stream(sorted).average().orElse(0));
        }

        private static long rank(final long[] sorted, final double p) {
            final int rank = (int) Math.ceil(p / 100 * sorted.length);
            return sorted[Math.max(0, rank - 1)];
        }
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The table a person reads: one row per lane and policy. */
    public String toTable() {
        final StringBuilder out = new StringBuilder();
        for (final LaneReport lane : lanes) {
            out.append(String.format("%s: %,d requests, %,d prompt tokens (p50 %,d, p99 %,d), %,d output tokens%n", lane.lane(), lane.requests(),
                    lane.promptTokens(), lane.promptLength().p50(), lane.promptLength().p99(), lane.completionTokens()));
            if (!lane.policies().isEmpty() && lane.policies().get(0).blocks() == 0) {
                out.append("  no block hashes in this trace (lengths only): reuse cannot be simulated\n");
                continue;
            }
            out.append(String.format("  %-24s %16s %16s %16s %16s%n", "policy", "token hit ratio", "prefix blocks", "mean per request",
                    "hit tokens"));
            for (final PolicyReport p : lane.policies()) {
                out.append(String.format("  %-24s %16.4f %16.4f %16.4f %,16d%n", p.policy(), p.tokenHitRatio(), p.prefixBlockRatio(),
                        p.meanRequestHitRatio(), p.hitTokens()));
            }
        }
        return out.toString();
    }
}
