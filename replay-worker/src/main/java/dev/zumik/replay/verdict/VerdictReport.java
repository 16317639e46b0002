package dev.zumik.replay.verdict;

import dev.zumik.core.cost.DemandCost;
import dev.zumik.core.cost.DemandProfile;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a verdict says, as the in-toto predicate and the JSON report: the window, how it was
 * replayed, each side's figures and cost, the intervals, the decision with its reasons, each BYOC
 * reason with its own test ({@code byocReasons}), the captured demand the money was priced from ({@code demand}), every threshold in force, the model the lane would
 * run instead of the managed one, and the formulas behind every number. Side, cost and interval
 * fields are null when the replay did not run (an empty or unpriceable window).
 */
public record VerdictReport(String requestId, String lane, String profile, String trigger, Window window, Replay replay, Demand demand,
                            Side baseline, Side candidate, Capacity capacity, RuntimeCheck runtimeCapture, Bootstrap.Result intervals, String decision, List<String> reasons,
                            List<ReasonTest> byocReasons, List<String> notes, Thresholds thresholds, ModelSubstitution modelSubstitution,
                            Map<String, String> formulas, String decidedAt) {

    public static final String PREDICATE_TYPE = "https://zumik.dev/replay-verdict/v1";

    /** The replayed window: the statement's subject. */
    public record Window(String name, String from, String to, int shapes, String sha256, boolean truncatedByRetention) { }

    /**
     * How the window was replayed: {@code decisionGrade} is false for any time scale but 1 (a smoke run
     * that did not test the priced load, never MOVE); {@code durationSeconds} covers every repetition.
     */
    public record Replay(double timeScale, boolean decisionGrade, int concurrency, String mode, String warmupPolicy, String startedAt,
                         double durationSeconds, long bootstrapSeed, double bootstrapBlockSeconds, List<Repetition> repetitions) { }

    /** One repetition of the replay, under its own prompt salt: its cost gain and both sides' TTFT p99. */
    public record Repetition(int number, String salt, String startedAt, double seconds, double costGainPct, double baselineTtftP99Ms,
                             double candidateTtftP99Ms) { }

    public record Side(String backend, SideStats stats, Double monthlyUsd, Double perMillionTokensUsd, Sizing sizing) { }

    /**
     * The capacity parity check: the replicas BYOC is priced at for this window, the replicas that stood behind
     * the candidate (null: unknown), the profile's scheduler, and where the tested count came from.
     */
    public record Capacity(int pricedReplicas, Integer testedReplicas, String scheduler, String testedSource) { }

    /**
     * The candidate's capture as its runtime counted it (its own prefix-cache counters over the replay) against
     * what its responses reported, and which figure the decision rests on; {@code runtimeCapture} null when the
     * runtime publishes no counters ({@code note} says why). A managed baseline publishes none: its capture is
     * what its responses reported.
     */
    public record RuntimeCheck(String source, String url, Double runtimeCapture, double reportedCapture, Double queriedTokens,
                               Double hitTokens, String decisionUses, String note, List<ReplicaCounts> replicas) { }

    /** One replica's runtime counters over the replay, when more than one was read: prompt tokens looked up and found. */
    public record ReplicaCounts(String url, double queriedTokens, double hitTokens) { }

    /**
     * BYOC sizing behind the candidate's monthly cost: the candidate's capture it was sized with, the profile's
     * scaling, the replicas priced for the replayed window's hours and for the busiest hour, GPUs per replica,
     * and the GPU hours a month pays, of which idle (paid but not serving the mean load).
     */
    public record Sizing(double hitRatio, String scaling, int windowReplicas, int peakReplicas, int gpusPerReplica, double gpuHoursPerMonth,
                         double idleGpuHoursPerMonth) { }

    /**
     * The captured demand the money came from: where it came from, the horizon, its coverage (hours captured,
     * days of the week seen, whether a full week was, and who accepted less), where the managed cache hits came
     * from, and each observed hour of the week (0 = Monday 00:00 UTC) with its mean load, the replicas it needs
     * and pays, and its mean managed cost.
     */
    public record Demand(String source, String horizonStart, String horizonEnd, Coverage coverage, String managedCacheHits,
                         List<DemandCost.Hour> hourly) {

        public static Demand of(final String source, final DemandProfile p, final DemandCost month,
                                final String acceptedBy) {
            return new Demand(source, Instant.ofEpochMilli(p.horizonStartMillis()).toString(),
                    Instant.ofEpochMilli(p.horizonEndMillis()).toString(), new Coverage(p.hoursCaptured(),
                    p.daysOfWeekSeen().stream().map(d -> d.name().toLowerCase(Locale.ROOT)).toList(), p.fullWeek(),
                    p.fullWeek() ? null : acceptedBy), month.captureReported() ? "reported by the provider on the captured requests"
                    : "measured on the managed baseline's replay (the capture had no reports for every request)", month.hours());
        }
    }

    /** Hours of captured traffic, days of the week seen, whether a full week was covered, and who accepted less (null: nobody). */
    public record Coverage(double hoursCaptured, List<String> daysOfWeekSeen, boolean fullWeek, String partialAcceptedBy) { }

    /**
     * Every threshold in force: the decision settings (stay-put ones included, by their setting keys), the
     * replay's trust bounds, and the SLOs the sides were measured against with where they came from.
     */
    public record Thresholds(Map<String, Double> decision, double maxLagP99Ms, double maxErrorRate, Double ttftSloMs, Double e2eSloMs,
                             String sloSource, double sloTarget, double acceptedPremiumPct) { }

    /**
     * Moving swaps the lane's managed model for the profile's open model. Zumik compares cost, latency and
     * cache capture, not answer quality: {@code qualityEvaluated} is true only when a person attached an
     * evaluation ({@code qualityEvidence}, recorded as given, not judged).
     */
    public record ModelSubstitution(String from, String to, boolean qualityEvaluated, String qualityEvidence) { }

    /** The formulas the figures come from, named as in docs/METRICS.md. */
    public static Map<String, String> standardFormulas() {
        final Map<String, String> f = new LinkedHashMap<>();
        f.put("ttft", "first content token time - intended send time (nearest-rank percentiles)");
        f.put("tpot", "(e2e - TTFT) / (output tokens - 1)");
        f.put("itl", "each gap between streamed content events");
        f.put("goodput", "requests meeting every SLO / replay seconds");
        f.put("capture", "reported cached tokens / reported prompt tokens; of ideal: reported cached tokens / infinite-cache hit tokens");
        f.put("managedMonthly", "730 x the mean over observed hours of the week of each hour's mean [(prompt - cached) x input + cached x "
                + "cachedInput + cacheWrites x cacheWrite + output x output] / 1e6 x (1 - batchDiscount x batchShare), from the captured "
                + "demand (cached: the provider's reports, else the baseline's replayed capture); an hour seen h < 1 times weighs h");
        f.put("byocMonthly", "730 x the mean over observed hours of the replicas paid x GPUs per replica x GPU $/h + operations; an hour needs "
                + "max(minReplicas, ceil(headroom x (peak prompt tokens/s x (1 - candidate capture) / prefill rate + peak output tokens/s "
                + "/ decode rate))), peak = its busiest minute; fixed scaling pays the busiest hour's need in every hour, hourly its own "
                + "plus the next hour's extra for the scale-up lead time");
        f.put("costGain", "(managed - BYOC) / managed x 100");
        f.put("byocReasons", "each reason asked for tested on its own (docs/METRICS.md, Decision rules); MOVE needs one that holds");
        f.put("intervals", "paired block bootstrap: each resample picks a repetition at random, then draws the schedule's time blocks "
                + "with replacement (the same draw for both sides); estimate = the mean over repetitions; percentile interval");
        return f;
    }
}
