package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.core.decision.ByocReason;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.schedule.ReplaySettings;
import dev.zumik.replay.verdict.Bootstrap;
import dev.zumik.replay.verdict.Decider;
import dev.zumik.replay.verdict.Percentiles;
import dev.zumik.replay.verdict.ReasonTest;
import dev.zumik.replay.verdict.SideStats;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The replay's decision rules as a table: each row a replay outcome (both sides' SLO attainment and
 * capture, the cost gain's interval, the costs, the reasons asked for, the lane's policy and the
 * profile's capabilities) whose right verdict is known in advance, with its reason codes.
 */
class VerdictDecisionTableTest {
    private static final DecisionSettings DEFAULTS = DecisionSettings.defaults();
    private static final LanePolicies.Policy NONE = LanePolicies.Policy.none();
    private static final LanePolicies.Policy SLO = new LanePolicies.Policy(true, 2000.0, null, List.of(), null, null, null, null, null);
    private static final LanePolicies.Policy SLO_PREMIUM_10 = new LanePolicies.Policy(true, 2000.0, null, List.of(), null, 10.0, null, null, null);
    private static final LanePolicies.Policy SLO_PRIORITY_TRIED = new LanePolicies.Policy(true, 2000.0, null, List.of(), null, 10.0, null, true, null);
    private static final LanePolicies.Policy PRIVATE = new LanePolicies.Policy(true, null, null, List.of("private-networking"), null, 5.0,
            null, null, null);
    private static final LanePolicies.Policy EU = new LanePolicies.Policy(true, null, null, List.of("region:eu-west-1"), null, 5.0, null, null, null);
    private static final List<String> OFFERS_PRIVATE = List.of("private-networking");
    private static final List<String> OFFERS_DELETION = List.of("private-networking", "runtime-confirmed-deletion");
    private static final LanePolicies.Policy PURGE = new LanePolicies.Policy(true, null, null,
            List.of("private-networking", "runtime-confirmed-deletion"), null, 5.0, null, null, null);

    /** One row: the evidence, what was asked, the policy, and the verdict with its reasons. */
    private record Row(String name, Decider.Evidence evidence, List<Decider.Asked> asked, LanePolicies.Policy policy, Decider.Decision decision,
                       List<String> reasons, double timeScale) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                row("no reason asked: a cheap candidate still stays", evidence(side(0.99, 0.5), side(0.99, 0.6), gain(40, 30, 50)),
                        List.of(), NONE, Decider.Decision.STAY, "NO_BYOC_REASON"),
                row("no reason asked, long prompts: long prompts alone", withPrompt(evidence(side(0.99, 0.5), side(0.99, 0.6), gain(40, 30, 50)),
                        20_000), List.of(), NONE, Decider.Decision.STAY, "LONG_PROMPTS_ALONE"),
                row("hot volume: material gain at equal capture", evidence(side(0.99, 0.5), side(0.99, 0.6), gain(30, 20, 40)),
                        asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.MOVE,
                        "CONCENTRATED_HOT_VOLUME", "MATERIAL_GAIN", "EQUAL_CAPTURE", "SLO_NO_WORSE"),
                row("hot volume: 18% point estimate, interval low end 4%", evidence(side(0.99, 0.5), side(0.99, 0.6), gain(18, 4, 30)),
                        asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.STAY, "NO_MATERIAL_GAIN", "EQUAL_CAPTURE", "SLO_NO_WORSE"),
                row("hot volume: cheaper but captures less", evidence(side(0.99, 0.6), side(0.99, 0.4), gain(30, 20, 40)),
                        asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.STAY, "MATERIAL_GAIN", "CAPTURE_WORSE", "SLO_NO_WORSE"),
                row("hot volume: cheaper but slower", evidence(side(0.99, 0.5), side(0.90, 0.6), gain(30, 20, 40)),
                        asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.STAY, "MATERIAL_GAIN", "EQUAL_CAPTURE", "SLO_WORSE"),
                row("SLO missed by managed, met by the candidate at an 8% premium, 10% accepted",
                        evidence(side(0.80, 0.5), side(0.995, 0.5), gain(-8, -9.5, -6)), asked(ByocReason.LATENCY_SLO), SLO_PREMIUM_10,
                        Decider.Decision.MOVE, "LATENCY_SLO", "SLO_MET_BY_CANDIDATE", "WITHIN_ACCEPTED_PREMIUM"),
                row("SLO: 40% against 39% is no reason", evidence(side(0.39, 0.5), side(0.40, 0.5), gain(5, 2, 8)),
                        asked(ByocReason.LATENCY_SLO), SLO_PREMIUM_10, Decider.Decision.STAY, "SLO_MISSED_BY_CANDIDATE", "WITHIN_ACCEPTED_PREMIUM"),
                row("SLO already met by managed", evidence(side(0.995, 0.5), side(0.999, 0.5), gain(5, 2, 8)),
                        asked(ByocReason.LATENCY_SLO), SLO_PREMIUM_10, Decider.Decision.STAY, "SLO_MET_BY_MANAGED", "SLO_MET_BY_CANDIDATE",
                        "WITHIN_ACCEPTED_PREMIUM"),
                row("SLO met, but at a premium the lane does not accept", evidence(side(0.80, 0.5), side(0.995, 0.5), gain(-8, -9.5, -6)),
                        asked(ByocReason.LATENCY_SLO), SLO, Decider.Decision.STAY, "SLO_MET_BY_CANDIDATE", "PREMIUM_EXCEEDED"),
                row("SLO: a priority tier cheaper than BYOC is tried first", withPriority(evidence(side(0.80, 0.5), side(0.995, 0.5),
                        gain(-8, -9.5, -6)), 105), asked(ByocReason.LATENCY_SLO), SLO_PREMIUM_10, Decider.Decision.STAY, "SLO_MET_BY_CANDIDATE",
                        "WITHIN_ACCEPTED_PREMIUM", "PRIORITY_TIER_FIRST"),
                row("SLO: the priority tier was tried and missed", withPriority(evidence(side(0.80, 0.5), side(0.995, 0.5),
                        gain(-8, -9.5, -6)), 105), asked(ByocReason.LATENCY_SLO), SLO_PRIORITY_TRIED, Decider.Decision.MOVE, "LATENCY_SLO",
                        "SLO_MET_BY_CANDIDATE", "WITHIN_ACCEPTED_PREMIUM"),
                row("SLO asked for, none declared", evidence(side(0.80, 0.5), side(0.995, 0.5), gain(30, 20, 40)),
                        asked(ByocReason.LATENCY_SLO), NONE, Decider.Decision.STAY, "NO_SLO_DECLARED"),
                row("isolation declared, profile lacks the region", evidence(side(0.99, 0.5), side(0.99, 0.5), gain(2, 0, 4)),
                        asked(ByocReason.ISOLATION_REQUIRED), EU, Decider.Decision.STAY, "CAPABILITY_MISSING", "WITHIN_ACCEPTED_PREMIUM", "SLO_NO_WORSE"),
                row("isolation met within the premium", evidence(side(0.99, 0.5), side(0.99, 0.5), gain(-2, -4, 0)),
                        asked(ByocReason.ISOLATION_REQUIRED), PRIVATE, Decider.Decision.MOVE, "ISOLATION_REQUIRED", "CAPABILITIES_MET",
                        "WITHIN_ACCEPTED_PREMIUM", "SLO_NO_WORSE"),
                row("runtime-confirmed deletion required, a confirmed drill of the candidate 3 days old: MOVE",
                        drilled(evidence(side(0.99, 0.5), side(0.99, 0.5), gain(-2, -4, 0)), OFFERS_DELETION, drill(true, 3)),
                        asked(ByocReason.ISOLATION_REQUIRED), PURGE, Decider.Decision.MOVE, "ISOLATION_REQUIRED", "CAPABILITIES_MET",
                        "DELETION_CONFIRMED", "WITHIN_ACCEPTED_PREMIUM", "SLO_NO_WORSE"),
                row("runtime-confirmed deletion required, the profile declares it, nobody drilled: the profile's word is not enough",
                        drilled(evidence(side(0.99, 0.5), side(0.99, 0.5), gain(-2, -4, 0)), OFFERS_DELETION, null),
                        asked(ByocReason.ISOLATION_REQUIRED), PURGE, Decider.Decision.STAY, "CAPABILITIES_MET", "DELETION_DRILL_MISSING",
                        "WITHIN_ACCEPTED_PREMIUM", "SLO_NO_WORSE"),
                row("runtime-confirmed deletion required, the latest drill failed a tier",
                        drilled(evidence(side(0.99, 0.5), side(0.99, 0.5), gain(-2, -4, 0)), OFFERS_DELETION, drill(false, 1)),
                        asked(ByocReason.ISOLATION_REQUIRED), PURGE, Decider.Decision.STAY, "CAPABILITIES_MET", "DELETION_DRILL_FAILED",
                        "WITHIN_ACCEPTED_PREMIUM", "SLO_NO_WORSE"),
                row("runtime-confirmed deletion required, the confirmed drill is 45 days old (limit 30)",
                        drilled(evidence(side(0.99, 0.5), side(0.99, 0.5), gain(-2, -4, 0)), OFFERS_DELETION, drill(true, 45)),
                        asked(ByocReason.ISOLATION_REQUIRED), PURGE, Decider.Decision.STAY, "CAPABILITIES_MET", "DELETION_DRILL_STALE",
                        "WITHIN_ACCEPTED_PREMIUM", "SLO_NO_WORSE"),
                row("a confirmed drill, but the profile does not declare runtime-confirmed deletion",
                        drilled(evidence(side(0.99, 0.5), side(0.99, 0.5), gain(-2, -4, 0)), OFFERS_PRIVATE, drill(true, 3)),
                        asked(ByocReason.ISOLATION_REQUIRED), PURGE, Decider.Decision.STAY, "CAPABILITY_MISSING", "DELETION_CONFIRMED",
                        "WITHIN_ACCEPTED_PREMIUM", "SLO_NO_WORSE"),
                row("private networking alone needs no drill", drilled(evidence(side(0.99, 0.5), side(0.99, 0.5), gain(-2, -4, 0)),
                        OFFERS_DELETION, null), asked(ByocReason.ISOLATION_REQUIRED), PRIVATE, Decider.Decision.MOVE, "ISOLATION_REQUIRED",
                        "CAPABILITIES_MET", "WITHIN_ACCEPTED_PREMIUM", "SLO_NO_WORSE"),
                row("isolation asked for, none declared", evidence(side(0.99, 0.5), side(0.99, 0.5), gain(30, 20, 40)),
                        asked(ByocReason.ISOLATION_REQUIRED), NONE, Decider.Decision.STAY, "NO_ISOLATION_DECLARED"),
                row("two reasons, only hot volume holds: MOVE names it alone", evidence(side(0.99, 0.5), side(0.99, 0.6), gain(30, 20, 40)),
                        List.of(new Decider.Asked(ByocReason.LATENCY_SLO, ReasonTest.FROM_DIAGNOSIS),
                                new Decider.Asked(ByocReason.CONCENTRATED_HOT_VOLUME, ReasonTest.FROM_DIAGNOSIS)), SLO,
                        Decider.Decision.MOVE, "CONCENTRATED_HOT_VOLUME", "MATERIAL_GAIN", "EQUAL_CAPTURE", "SLO_NO_WORSE"),
                smoke(10, row("hot volume holds, but replayed ten times faster than priced: a smoke run never moves",
                        evidence(side(0.99, 0.5), side(0.99, 0.6), gain(30, 20, 40)), asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE,
                        Decider.Decision.INCONCLUSIVE, "NOT_DECISION_GRADE", "CONCENTRATED_HOT_VOLUME", "MATERIAL_GAIN", "EQUAL_CAPTURE",
                        "SLO_NO_WORSE")),
                row("hot volume holds on 20 hours of captured demand: partial coverage nobody accepted never moves",
                        partial(evidence(side(0.99, 0.5), side(0.99, 0.6), gain(30, 20, 40)), false), asked(ByocReason.CONCENTRATED_HOT_VOLUME),
                        NONE, Decider.Decision.INCONCLUSIVE, "PARTIAL_COVERAGE", "CONCENTRATED_HOT_VOLUME", "MATERIAL_GAIN", "EQUAL_CAPTURE",
                        "SLO_NO_WORSE"),
                row("hot volume holds on partial coverage a person accepted: MOVE, and says so",
                        partial(evidence(side(0.99, 0.5), side(0.99, 0.6), gain(30, 20, 40)), true), asked(ByocReason.CONCENTRATED_HOT_VOLUME),
                        NONE, Decider.Decision.MOVE, "CONCENTRATED_HOT_VOLUME", "MATERIAL_GAIN", "EQUAL_CAPTURE", "SLO_NO_WORSE",
                        "PARTIAL_COVERAGE_ACCEPTED"),
                row("partial coverage, no reason holds: STAY as usual", partial(evidence(side(0.99, 0.5), side(0.99, 0.6), gain(18, 4, 30)),
                        false), asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.STAY, "NO_MATERIAL_GAIN", "EQUAL_CAPTURE",
                        "SLO_NO_WORSE"),
                row("hot volume holds and the runtime's counters confirm the capture: MOVE",
                        runtime(evidence(side(0.99, 0.5), side(0.99, 0.6), gain(30, 20, 40)), 0.595), asked(ByocReason.CONCENTRATED_HOT_VOLUME),
                        NONE, Decider.Decision.MOVE, "CONCENTRATED_HOT_VOLUME", "MATERIAL_GAIN", "EQUAL_CAPTURE", "SLO_NO_WORSE"),
                row("the responses report 60% cached, the runtime counted 40%: the capture is unconfirmed",
                        runtime(evidence(side(0.99, 0.5), side(0.99, 0.6), gain(30, 20, 40)), 0.40), asked(ByocReason.CONCENTRATED_HOT_VOLUME),
                        NONE, Decider.Decision.INCONCLUSIVE, "CAPTURE_UNCONFIRMED"),
                row("the runtime counted more than the responses report: the lower figure stands, the verdict is conservative",
                        runtime(evidence(side(0.99, 0.5), side(0.99, 0.45), gain(30, 20, 40)), 0.60), asked(ByocReason.CONCENTRATED_HOT_VOLUME),
                        NONE, Decider.Decision.STAY, "MATERIAL_GAIN", "CAPTURE_WORSE", "SLO_NO_WORSE"),
                row("a replay that lagged its schedule cannot be trusted", evidence(side(0.99, 0.5), lagged(side(0.99, 0.6), 80), gain(30, 20, 40)),
                        asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.INCONCLUSIVE, "SCHEDULE_LAG"),
                row("priced at 6 replicas, replayed on 1: the capacity tested is not the one priced", tested(evidence(side(0.99, 0.5),
                        side(0.99, 0.6), gain(30, 20, 40)), 6, 1), asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.INCONCLUSIVE,
                        "CAPACITY_MISMATCH"),
                row("replayed on capacity nobody declared or published", tested(evidence(side(0.99, 0.5), side(0.99, 0.6), gain(30, 20, 40)),
                        2, null), asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.INCONCLUSIVE, "CAPACITY_UNKNOWN"),
                row("a failing candidate cannot be trusted", evidence(side(0.99, 0.5), failing(side(0.99, 0.6), 0.2), gain(30, 20, 40)),
                        asked(ByocReason.CONCENTRATED_HOT_VOLUME), NONE, Decider.Decision.INCONCLUSIVE, "CANDIDATE_ERRORS"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldDecideEachRowAsKnownInAdvance(final Row row) {
        // when
        final Decider.Ruling ruling = Decider.decide(row.evidence(), row.asked(), row.policy(), DEFAULTS,
                ReplaySettings.defaults().withTimeScale(row.timeScale()));
        // then
        assertThat(ruling.decision()).as(row.name()).isEqualTo(row.decision());
        assertThat(ruling.reasons()).as(row.name()).containsExactlyElementsOf(row.reasons());
        if (row.decision() != Decider.Decision.INCONCLUSIVE) {
            assertThat(ruling.byocReasons()).extracting(ReasonTest::reason)
                    .containsExactlyElementsOf(row.asked().stream().map(a -> a.reason().name()).toList());
            assertThat(ruling.byocReasons().stream().anyMatch(ReasonTest::holds)).isEqualTo(row.decision() == Decider.Decision.MOVE);
            assertThat(ruling.byocReasons()).allSatisfy(t -> assertThat(t.test()).isNotBlank());
        }
    }

    private static Row row(final String name, final Decider.Evidence evidence, final List<Decider.Asked> asked,
                                 final LanePolicies.Policy policy, final Decider.Decision decision, final String... reasons) {
        return new Row(name, evidence, asked, policy, decision, List.of(reasons), 1);
    }

    /** A row replayed at another time scale than real time. */
    private static Row smoke(final double timeScale, final Row row) {
        return new Row(row.name(), row.evidence(), row.asked(), row.policy(), row.decision(), row.reasons(), timeScale);
    }

    private static List<Decider.Asked> asked(final ByocReason reason) {
        return List.of(new Decider.Asked(reason, ReasonTest.DECLARED));
    }

    /** Managed $100k a month; BYOC from the gain's point estimate; a median prompt of 2,000 tokens; a private-networking profile. */
    private static Decider.Evidence evidence(final SideStats baseline, final SideStats candidate, final Bootstrap.Result gain) {
        return new Decider.Evidence(baseline, candidate, gain, 100_000, 100_000 * (1 - gain.costGainPct().estimate() / 100), null, 2000,
                OFFERS_PRIVATE, 2, 2, true, false, null, null);
    }

    /** The candidate runtime's own counters saw this capture. */
    private static Decider.Evidence runtime(final Decider.Evidence e, final double capture) {
        return new Decider.Evidence(e.baseline(), e.candidate(), e.intervals(), e.managedMonthlyUsd(), e.byocMonthlyUsd(), e.priorityMonthlyUsd(),
                e.promptP50(), e.capabilities(), e.pricedReplicas(), e.testedReplicas(), e.fullWeekCoverage(), e.partialCoverageAccepted(), capture,
                e.deletionDrill());
    }

    /** Priced from less than a full week of captured demand, accepted by a person or not. */
    private static Decider.Evidence partial(final Decider.Evidence e, final boolean accepted) {
        return new Decider.Evidence(e.baseline(), e.candidate(), e.intervals(), e.managedMonthlyUsd(), e.byocMonthlyUsd(), e.priorityMonthlyUsd(),
                e.promptP50(), e.capabilities(), e.pricedReplicas(), e.testedReplicas(), false, accepted, e.runtimeCapture(), e.deletionDrill());
    }

    /** A profile offering private networking and runtime-confirmed deletion, and the latest drill of the candidate (null: none). */
    private static Decider.Evidence drilled(final Decider.Evidence e, final List<String> offers, final DrillEvidence drill) {
        return new Decider.Evidence(e.baseline(), e.candidate(), e.intervals(), e.managedMonthlyUsd(), e.byocMonthlyUsd(), e.priorityMonthlyUsd(),
                e.promptP50(), offers, e.pricedReplicas(), e.testedReplicas(), e.fullWeekCoverage(), e.partialCoverageAccepted(),
                e.runtimeCapture(), drill);
    }

    /** A drill of the candidate that finished {@code daysAgo} days ago. */
    private static DrillEvidence drill(final boolean confirmed, final double daysAgo) {
        return new DrillEvidence("dynamo", URI.create("http://dynamo-frontend.zumik-byoc:8000"), confirmed,
                Instant.now().minusSeconds(Math.round(daysAgo * 86_400)), "k1", "test");
    }

    private static Decider.Evidence withPrompt(final Decider.Evidence e, final long promptP50) {
        return new Decider.Evidence(e.baseline(), e.candidate(), e.intervals(), e.managedMonthlyUsd(), e.byocMonthlyUsd(), e.priorityMonthlyUsd(),
                promptP50, e.capabilities(), e.pricedReplicas(), e.testedReplicas(), e.fullWeekCoverage(), e.partialCoverageAccepted(),
                e.runtimeCapture(), e.deletionDrill());
    }

    private static Decider.Evidence withPriority(final Decider.Evidence e, final double priorityThousands) {
        return new Decider.Evidence(e.baseline(), e.candidate(), e.intervals(), e.managedMonthlyUsd(), e.byocMonthlyUsd(),
                priorityThousands * 1000, e.promptP50(), e.capabilities(), e.pricedReplicas(), e.testedReplicas(), e.fullWeekCoverage(),
                e.partialCoverageAccepted(), e.runtimeCapture(), e.deletionDrill());
    }

    private static Decider.Evidence tested(final Decider.Evidence e, final int priced, final Integer tested) {
        return new Decider.Evidence(e.baseline(), e.candidate(), e.intervals(), e.managedMonthlyUsd(), e.byocMonthlyUsd(),
                e.priorityMonthlyUsd(), e.promptP50(), e.capabilities(), priced, tested, e.fullWeekCoverage(), e.partialCoverageAccepted(),
                e.runtimeCapture(), e.deletionDrill());
    }

    static SideStats side(final double sloAttainment, final double capture) {
        final Percentiles.Summary any = new Percentiles.Summary(100, 1, 1, 1);
        return new SideStats("s", 100, 0, 0, Map.of(), new Percentiles.Summary(100, 1, 1, 1), any, any, any, any, sloAttainment, 1, 1000,
                Math.round(capture * 1000), 0, 100, 100, capture, null, 0, 0, 0);
    }

    private static SideStats lagged(final SideStats s, final double lagP99) {
        return new SideStats(s.backend(), s.requests(), s.failed(), s.errorRate(), s.errorsByClass(), new Percentiles.Summary(100, 1, 1, lagP99),
                s.ttftMs(), s.tpotMs(), s.itlMs(), s.e2eMs(), s.sloAttainment(), s.goodputPerSecond(), s.promptTokens(), s.cachedTokens(),
                s.cacheWriteTokens(), s.completionTokens(), s.requestedOutputTokens(), s.capture(), s.captureOfIdeal(), 0, 0, 0);
    }

    private static SideStats failing(final SideStats s, final double errorRate) {
        return new SideStats(s.backend(), s.requests(), Math.round(errorRate * s.requests()), errorRate, Map.of("OVERLOADED", 20L), s.lagMs(),
                s.ttftMs(), s.tpotMs(), s.itlMs(), s.e2eMs(), s.sloAttainment(), s.goodputPerSecond(), s.promptTokens(), s.cachedTokens(),
                s.cacheWriteTokens(), s.completionTokens(), s.requestedOutputTokens(), s.capture(), s.captureOfIdeal(), 0, 0, 0);
    }

    static Bootstrap.Result gain(final double estimate, final double low, final double high) {
        final Bootstrap.Interval zero = new Bootstrap.Interval(0, 0, 0);
        return new Bootstrap.Result(1000, 0.95, new Bootstrap.Interval(estimate, low, high), zero, zero, zero);
    }
}
