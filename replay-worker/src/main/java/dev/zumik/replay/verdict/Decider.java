package dev.zumik.replay.verdict;

import dev.zumik.core.decision.ByocReason;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.Isolation;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.core.decision.ReasonCode;
import dev.zumik.replay.client.ErrorClass;
import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.schedule.ReplaySettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The decision rules of docs/METRICS.md for a finished replay. INCONCLUSIVE when the replay cannot be
 * trusted (schedule lag p99 or error rate over their bounds, a side unreachable, a candidate tested on
 * other capacity than the priced one, or on unknown capacity). Otherwise each BYOC
 * reason the replay was asked for is tested on its own:
 * <ul>
 *   <li>CONCENTRATED_HOT_VOLUME: the cost gain's interval low end at least the material threshold, with
 *       capture and SLO attainment no worse than the baseline's;</li>
 *   <li>LATENCY_SLO: a declared SLO that the baseline misses (attainment under the target) and the candidate
 *       meets, at a cost within the accepted premium (interval low end of the gain at least minus the
 *       premium), with no priced managed priority tier cheaper than BYOC left untried;</li>
 *   <li>ISOLATION_REQUIRED: every declared requirement among the profile's capabilities, within the accepted
 *       premium, with SLO attainment no worse than the baseline's; runtime-confirmed deletion also needs a signed,
 *       confirmed deletion drill of the candidate no older than the limit.</li>
 * </ul>
 * MOVE when at least one holds, unless the replay ran at a time scale other than 1 (a smoke run:
 * INCONCLUSIVE [NOT_DECISION_GRADE]) or the money was priced from less than one full week of captured
 * demand that nobody accepted (INCONCLUSIVE [PARTIAL_COVERAGE]; accepted, MOVE carries PARTIAL_COVERAGE_ACCEPTED); STAY otherwise, and STAY [NO_BYOC_REASON] (or LONG_PROMPTS_ALONE)
 * when none was asked for. Long prompts are never a reason.
 */
public final class Decider {

    public enum Decision { MOVE, STAY, INCONCLUSIVE }

    public record Ruling(Decision decision, List<String> reasons, List<ReasonTest> byocReasons) { }

    /** A reason the replay is asked to test, and where it came from ({@link ReasonTest#FROM_DIAGNOSIS} or {@link ReasonTest#DECLARED}). */
    public record Asked(ByocReason reason, String source) { }

    /**
     * What the reasons are tested on: both sides' figures (SLO attainment against the lane's declared SLOs
     * where it has any), the cost gain's interval, monthly costs, the priority tier's monthly cost where
     * priced, the window's median prompt, the candidate profile's isolation capabilities, and the replicas
     * BYOC is priced at and that stood behind the candidate (null: unknown), whether the money was priced from a
     * full week of captured demand, whether a person accepted less, the candidate's capture as its runtime's own
     * counters saw it (null: not published), and the latest signed deletion drill of the candidate (null: none on record).
     */
    public record Evidence(SideStats baseline, SideStats candidate, Bootstrap.Result intervals, double managedMonthlyUsd,
                           double byocMonthlyUsd, Double priorityMonthlyUsd, long promptP50, List<String> capabilities, int pricedReplicas,
                           Integer testedReplicas, boolean fullWeekCoverage, boolean partialCoverageAccepted, Double runtimeCapture,
                           DrillEvidence deletionDrill) { }

    private Decider() { }

    public static Ruling decide(final Evidence ev, final List<Asked> asked, final LanePolicies.Policy policy, final DecisionSettings d,
                                final ReplaySettings settings) {
        final List<String> untrusted = untrusted(ev.baseline(), ev.candidate(), settings);
        if (ev.testedReplicas() == null) {
            untrusted.add(ReasonCode.CAPACITY_UNKNOWN.name());
        } else if (ev.testedReplicas() != ev.pricedReplicas()) {
            untrusted.add(ReasonCode.CAPACITY_MISMATCH.name());
        }
        if (ev.runtimeCapture() != null && ev.candidate().capture() - ev.runtimeCapture() > d.captureTolerance()) {
            // the responses claim cache hits the runtime did not count: a MOVE must not rest on them
            untrusted.add(ReasonCode.CAPTURE_UNCONFIRMED.name());
        }
        if (!untrusted.isEmpty()) {
            return new Ruling(Decision.INCONCLUSIVE, untrusted, List.of());
        }
        final Map<ByocReason, String> reasons = new LinkedHashMap<>();
        asked.forEach(a -> reasons.putIfAbsent(a.reason(), a.source()));
        if (reasons.isEmpty()) {
            final ReasonCode why = ev.promptP50() >= d.longPromptTokens() ? ReasonCode.LONG_PROMPTS_ALONE : ReasonCode.NO_BYOC_REASON;
            return new Ruling(Decision.STAY, List.of(why.name()), List.of());
        }
        final List<ReasonTest> tests = new ArrayList<>();
        reasons.forEach((reason, source) -> tests.add(switch (reason) {
            case CONCENTRATED_HOT_VOLUME -> hotVolume(ev, source, d);
            case LATENCY_SLO -> latencySlo(ev, source, policy, d);
            case ISOLATION_REQUIRED -> isolation(ev, source, policy, d);
        }));
        final Set<String> codes = new LinkedHashSet<>();
        final boolean move = tests.stream().anyMatch(ReasonTest::holds);
        for (final ReasonTest t : tests) {
            if (t.holds() == move) {
                if (move) {
                    codes.add(t.reason());
                }
                codes.addAll(t.outcome());
            }
        }
        if (move && settings.timeScale() != 1) {
            // a smoke run did not test the priced load: what would have moved the lane is said, but not signed as MOVE
            return new Ruling(Decision.INCONCLUSIVE, first(ReasonCode.NOT_DECISION_GRADE, codes), tests);
        }
        if (move && !ev.fullWeekCoverage()) {
            if (!ev.partialCoverageAccepted()) {
                // money priced from less than a week may miss the lane's quiet days: said, not signed as MOVE
                return new Ruling(Decision.INCONCLUSIVE, first(ReasonCode.PARTIAL_COVERAGE, codes), tests);
            }
            codes.add(ReasonCode.PARTIAL_COVERAGE_ACCEPTED.name());
        }
        return new Ruling(move ? Decision.MOVE : Decision.STAY, List.copyOf(codes), tests);
    }

    private static List<String> first(final ReasonCode code, final Set<String> codes) {
        final List<String> out = new ArrayList<>();
        out.add(code.name());
        out.addAll(codes);
        return out;
    }

    private static ReasonTest hotVolume(final Evidence ev, final String source, final DecisionSettings d) {
        final Bootstrap.Interval gain = ev.intervals().costGainPct();
        final List<String> outcome = new ArrayList<>();
        final boolean material = gain.low() >= d.materialGainPct();
        outcome.add((material ? ReasonCode.MATERIAL_GAIN : ReasonCode.NO_MATERIAL_GAIN).name());
        final boolean capture = ev.candidate().capture() >= ev.baseline().capture() - d.captureTolerance();
        outcome.add((capture ? ReasonCode.EQUAL_CAPTURE : ReasonCode.CAPTURE_WORSE).name());
        final boolean slo = sloNoWorse(ev, d);
        outcome.add((slo ? ReasonCode.SLO_NO_WORSE : ReasonCode.SLO_WORSE).name());
        final Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("costGainPct", gain.estimate());
        figures.put("costGainLowPct", gain.low());
        figures.put("materialGainPct", d.materialGainPct());
        figures.put("baselineCapture", ev.baseline().capture());
        figures.put("candidateCapture", ev.candidate().capture());
        sloFigures(ev, figures);
        return new ReasonTest(ReasonCode.CONCENTRATED_HOT_VOLUME.name(), source, material && capture && slo, String.format(
                "the cost gain's %.0f%% interval low end >= %.1f%% (material threshold), candidate capture >= baseline capture - %.2f, "
                        + "and candidate SLO attainment >= baseline's - %.2f", ev.intervals().confidence() * 100, d.materialGainPct(),
                d.captureTolerance(), d.sloTolerance()), outcome, figures);
    }

    private static ReasonTest latencySlo(final Evidence ev, final String source, final LanePolicies.Policy policy, final DecisionSettings d) {
        final double target = policy.sloTarget(d);
        final double premium = policy.acceptedPremiumPct(d);
        final Map<String, Double> figures = new LinkedHashMap<>();
        final List<String> outcome = new ArrayList<>();
        final String test = String.format("a declared SLO (TTFT p99 and/or e2e p99) met by at least %.1f%% of the candidate's requests "
                + "and by fewer of the baseline's, at a BYOC cost at most %.1f%% above managed (the gain's interval low end >= -%.1f%%); "
                + "a priced managed priority tier cheaper than BYOC is tried first", target * 100, premium, premium);
        if (!policy.declaresSlo()) {
            outcome.add(ReasonCode.NO_SLO_DECLARED.name());
            return new ReasonTest(ReasonCode.LATENCY_SLO.name(), source, false, test, outcome, figures);
        }
        figures.put("sloTarget", target);
        sloFigures(ev, figures);
        final boolean managedMisses = ev.baseline().sloAttainment() < target;
        final boolean candidateMeets = ev.candidate().sloAttainment() >= target;
        if (!managedMisses) {
            outcome.add(ReasonCode.SLO_MET_BY_MANAGED.name());
        }
        outcome.add((candidateMeets ? ReasonCode.SLO_MET_BY_CANDIDATE : ReasonCode.SLO_MISSED_BY_CANDIDATE).name());
        final boolean affordable = premiumTest(ev, premium, figures, outcome);
        boolean priorityFirst = false;
        if (ev.priorityMonthlyUsd() != null) {
            figures.put("priorityMonthlyUsd", ev.priorityMonthlyUsd());
            priorityFirst = !Boolean.TRUE.equals(policy.priorityTierTried()) && ev.priorityMonthlyUsd() <= ev.byocMonthlyUsd();
            if (priorityFirst) {
                outcome.add(ReasonCode.PRIORITY_TIER_FIRST.name());
            }
        }
        return new ReasonTest(ReasonCode.LATENCY_SLO.name(), source, managedMisses && candidateMeets && affordable && !priorityFirst, test,
                outcome, figures);
    }

    private static ReasonTest isolation(final Evidence ev, final String source, final LanePolicies.Policy policy, final DecisionSettings d) {
        final double premium = policy.acceptedPremiumPct(d);
        final Map<String, Double> figures = new LinkedHashMap<>();
        final List<String> outcome = new ArrayList<>();
        final String test = String.format("every declared requirement (%s) among the profile's capabilities (%s)%s, at a BYOC cost at most "
                + "%.1f%% above managed (the gain's interval low end >= -%.1f%%), and candidate SLO attainment >= baseline's - %.2f",
                String.join(", ", policy.isolation()), String.join(", ", ev.capabilities()),
                policy.isolation().contains(Isolation.RUNTIME_CONFIRMED_DELETION) ? String.format(Locale.ROOT, "; runtime-confirmed "
                        + "deletion seen by a signed deletion drill of the candidate that confirmed it, at most %.0f days old",
                        d.deletionDrillMaxAgeDays()) : "", premium, premium, d.sloTolerance());
        if (policy.isolation().isEmpty()) {
            outcome.add(ReasonCode.NO_ISOLATION_DECLARED.name());
            return new ReasonTest(ReasonCode.ISOLATION_REQUIRED.name(), source, false, test, outcome, figures);
        }
        final boolean offered = Isolation.missing(policy.isolation(), ev.capabilities()).isEmpty();
        outcome.add((offered ? ReasonCode.CAPABILITIES_MET : ReasonCode.CAPABILITY_MISSING).name());
        // a profile's word is not deletion: it must have been seen, on this candidate, recently
        final boolean deletion = !policy.isolation().contains(Isolation.RUNTIME_CONFIRMED_DELETION) || deletionSeen(ev, d, figures, outcome);
        final boolean affordable = premiumTest(ev, premium, figures, outcome);
        final boolean slo = sloNoWorse(ev, d);
        outcome.add((slo ? ReasonCode.SLO_NO_WORSE : ReasonCode.SLO_WORSE).name());
        sloFigures(ev, figures);
        return new ReasonTest(ReasonCode.ISOLATION_REQUIRED.name(), source, offered && deletion && affordable && slo, test, outcome, figures);
    }

    /** Whether the latest drill of the candidate confirmed deletion within the age limit; its code and figures either way. */
    private static boolean deletionSeen(final Evidence ev, final DecisionSettings d, final Map<String, Double> figures, final List<String> outcome) {
        figures.put("deletionDrillMaxAgeDays", d.deletionDrillMaxAgeDays());
        final DrillEvidence drill = ev.deletionDrill();
        if (drill == null) {
            outcome.add(ReasonCode.DELETION_DRILL_MISSING.name());
            return false;
        }
        final double age = drill.ageDays(Instant.now());
        figures.put("deletionDrillAgeDays", age);
        figures.put("deletionDrillConfirmed", drill.confirmed() ? 1.0 : 0.0);
        final ReasonCode code = !drill.confirmed() ? ReasonCode.DELETION_DRILL_FAILED
                : age > d.deletionDrillMaxAgeDays() ? ReasonCode.DELETION_DRILL_STALE : ReasonCode.DELETION_CONFIRMED;
        outcome.add(code.name());
        return code == ReasonCode.DELETION_CONFIRMED;
    }

    private static boolean premiumTest(final Evidence ev, final double premium, final Map<String, Double> figures, final List<String> outcome) {
        final Bootstrap.Interval gain = ev.intervals().costGainPct();
        figures.put("costGainPct", gain.estimate());
        figures.put("costGainLowPct", gain.low());
        figures.put("acceptedPremiumPct", premium);
        final boolean ok = gain.low() >= -premium;
        outcome.add((ok ? ReasonCode.WITHIN_ACCEPTED_PREMIUM : ReasonCode.PREMIUM_EXCEEDED).name());
        return ok;
    }

    private static boolean sloNoWorse(final Evidence ev, final DecisionSettings d) {
        return ev.candidate().sloAttainment() >= ev.baseline().sloAttainment() - d.sloTolerance();
    }

    private static void sloFigures(final Evidence ev, final Map<String, Double> figures) {
        figures.put("baselineSloAttainment", ev.baseline().sloAttainment());
        figures.put("candidateSloAttainment", ev.candidate().sloAttainment());
    }

    private static List<String> untrusted(final SideStats baseline, final SideStats candidate, final ReplaySettings settings) {
        final List<String> untrusted = new ArrayList<>();
        if (candidate.requests() > 0 && candidate.errors(ErrorClass.CONNECT) + candidate.errors(ErrorClass.TIMEOUT) == candidate.requests()) {
            untrusted.add(ReasonCode.CANDIDATE_UNREACHABLE.name());
        }
        if (baseline.requests() > 0 && baseline.errors(ErrorClass.CONNECT) + baseline.errors(ErrorClass.TIMEOUT) == baseline.requests()) {
            untrusted.add(ReasonCode.BASELINE_UNREACHABLE.name());
        }
        if (baseline.errorRate() > settings.maxErrorRate()) {
            untrusted.add(ReasonCode.BASELINE_ERRORS.name());
        }
        if (candidate.errorRate() > settings.maxErrorRate()) {
            untrusted.add(ReasonCode.CANDIDATE_ERRORS.name());
        }
        if (lagged(baseline, settings) || lagged(candidate, settings)) {
            untrusted.add(ReasonCode.SCHEDULE_LAG.name());
        }
        return untrusted;
    }

    private static boolean lagged(final SideStats side, final ReplaySettings settings) {
        return side.lagMs().count() > 0 && side.lagMs().p99() > settings.maxLagP99Millis();
    }
}
