package dev.zumik.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The diagnosis rules as a table: each row a lane's evidence over one 15-minute period, with its lane
 * policy and thresholds, and the decision and reason codes known in advance. Costs are the shipped
 * prices (gpt-4.1: 2.00 / 0.50 / 8.00 per 1M; priority 3.50 / 0.875 / 14.00) and profiles (BYOC at its
 * 2-replica minimum: $25,090 a month for k8s-portable, $26,090 for dynamo), 2,880 periods a month.
 */
class DiagnosisDecisionTableTest {
    private static final long MINUTE = 60_000;
    private static final List<ByocProfile> PROFILES = List.of(ByocProfile.shipped("dynamo"), ByocProfile.shipped("k8s-portable"));

    /** 100M prompt tokens a period, half reported cached, 80% reusable by dynamo's tiers: $406k a month managed, ~$46k BYOC. */
    private static final Map<String, Long> REUSE_LEFT = Map.of("infinite", 85_000_000L, "managed", 55_000_000L, "dynamo", 80_000_000L,
            "k8s-portable", 70_000_000L);
    /** The provider reports 80M cached of the 82M its rules allow (97.6%); BYOC's best would hit 84.5M: 2.5 points more. */
    private static final Map<String, Long> CAPTURED = Map.of("infinite", 85_000_000L, "managed", 82_000_000L, "dynamo", 84_500_000L,
            "k8s-portable", 83_000_000L);
    private static final Map<String, Long> NO_REUSE = Map.of("infinite", 0L, "managed", 0L, "dynamo", 0L, "k8s-portable", 0L);

    private record Row(String name, LaneEvidence evidence, LanePolicies policies, DecisionSettings settings, Diagnosis.Decision decision,
                       List<ReasonCode> reasons, String profile) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        final DecisionSettings d = DecisionSettings.defaults();
        return Stream.of(
                row("no managed price", lane("unpriced-model", 100_000_000, 2_000_000, 50_000_000L, REUSE_LEFT, 0.7, 1, 15, 3000),
                        none(), d, Diagnosis.Decision.STAY_MANAGED, null, ReasonCode.NO_PRICE),
                row("low volume", lane("gpt-4.1", 100_000, 1_000, 0L, NO_REUSE, 1, 1, 15, 500), none(), d, Diagnosis.Decision.STAY_MANAGED,
                        null, ReasonCode.LOW_VOLUME),
                row("concentrated hot volume with reuse managed leaves", lane("gpt-4.1", 100_000_000, 2_000_000, 50_000_000L, REUSE_LEFT, 0.7, 1,
                        15, 3000), none(), d, Diagnosis.Decision.REPLAY_CANDIDATE, "dynamo", ReasonCode.CONCENTRATED_HOT_VOLUME),
                row("hot, but managed already captures 97.6% and leaves 2.5 points", lane("gpt-4.1", 100_000_000, 2_000_000, 80_000_000L,
                        CAPTURED, 0.7, 1, 15, 3000), none(), d, Diagnosis.Decision.STAY_MANAGED, "k8s-portable", ReasonCode.MANAGED_ALREADY_CAPTURES),
                row("hot, managed captures, with SLO missed too: the gate still says stay", lane("gpt-4.1", 100_000_000, 2_000_000, 80_000_000L,
                        CAPTURED, 0.7, 1, 15, 3000), policies("{match: \"openai/**\", ttftP99SloMs: 500}"), d, Diagnosis.Decision.STAY_MANAGED,
                        "k8s-portable", ReasonCode.MANAGED_ALREADY_CAPTURES),
                row("a brief spike is not sustained", lane("gpt-4.1", 100_000_000, 2_000_000, 50_000_000L, REUSE_LEFT, 0.7, 1, 2, 3000), none(),
                        d, Diagnosis.Decision.USE_MANAGED_LEVERS, "dynamo", ReasonCode.NO_BYOC_REASON),
                row("the only lane, but $9k a month: not concentrated hot volume", lane("gpt-4.1", 1_500_000, 15_000, 0L,
                        Map.of("infinite", 600_000L, "managed", 0L, "dynamo", 600_000L, "k8s-portable", 600_000L), 1, 1, 15, 3000), none(), d,
                        Diagnosis.Decision.USE_MANAGED_LEVERS, "k8s-portable", ReasonCode.NO_BYOC_REASON),
                row("long prompts alone", lane("gpt-4.1", 60_000_000, 200_000, 0L, NO_REUSE, 0.25, 3, 0, 40_000), none(), d,
                        Diagnosis.Decision.STAY_MANAGED, "k8s-portable", ReasonCode.LONG_PROMPTS_ALONE),
                row("hot lane under a $1M hot-spend floor, long prompts", lane("gpt-4.1", 100_000_000, 2_000_000, 50_000_000L, REUSE_LEFT, 0.7,
                        1, 15, 9000), none(), settings("hot.min.monthly.spend.usd", 1_000_000), Diagnosis.Decision.USE_MANAGED_LEVERS, "dynamo",
                        ReasonCode.LONG_PROMPTS_ALONE),
                row("hot, but under a 95% material threshold", lane("gpt-4.1", 100_000_000, 2_000_000, 50_000_000L, REUSE_LEFT, 0.7, 1, 15,
                        3000), none(), settings("material.gain.pct", 95), Diagnosis.Decision.USE_MANAGED_LEVERS, "dynamo",
                        ReasonCode.CONCENTRATED_HOT_VOLUME, ReasonCode.NO_MATERIAL_GAIN),
                row("SLO missed, and the priority tier ($21k) costs less than BYOC ($25k)", lane("gpt-4.1", 2_000_000, 20_000, 0L, NO_REUSE,
                        0.2, 3, 0, 3000), policies("{match: \"openai/**\", ttftP99SloMs: 500}"), d, Diagnosis.Decision.USE_MANAGED_LEVERS,
                        "k8s-portable", ReasonCode.LATENCY_SLO, ReasonCode.PRIORITY_TIER_FIRST),
                row("SLO missed, priority tier tried, 150% premium accepted", lane("gpt-4.1", 2_000_000, 20_000, 0L, NO_REUSE, 0.2, 3, 0, 3000),
                        policies("{match: \"openai/**\", ttftP99SloMs: 500, priorityTierTried: true, acceptedPremiumPct: 150}"), d,
                        Diagnosis.Decision.REPLAY_CANDIDATE, "k8s-portable", ReasonCode.LATENCY_SLO),
                row("SLO missed, no priority tier priced, no premium accepted", lane("gpt-4o", 2_000_000, 20_000, 0L, NO_REUSE, 0.2, 3, 0, 3000),
                        policies("{match: \"openai/**\", ttftP99SloMs: 500}"), d, Diagnosis.Decision.STAY_MANAGED, "k8s-portable",
                        ReasonCode.LATENCY_SLO, ReasonCode.PREMIUM_EXCEEDED),
                row("SLO missed on a hot lane: both reasons", lane("gpt-4.1", 100_000_000, 2_000_000, 50_000_000L, REUSE_LEFT, 0.7, 1, 15, 3000),
                        policies("{match: \"openai/**\", ttftP99SloMs: 500}"), d, Diagnosis.Decision.REPLAY_CANDIDATE, "dynamo",
                        ReasonCode.LATENCY_SLO, ReasonCode.CONCENTRATED_HOT_VOLUME),
                row("isolation in a region no profile offers", lane("gpt-4.1", 100_000_000, 2_000_000, 50_000_000L, REUSE_LEFT, 0.1, 3, 0, 3000),
                        policies("{match: \"openai/**\", isolation: [\"region:eu-west-1\"]}"), d, Diagnosis.Decision.USE_MANAGED_LEVERS, "dynamo",
                        ReasonCode.ISOLATION_REQUIRED, ReasonCode.ISOLATION_NOT_OFFERED),
                row("isolation offered by the profiles", lane("gpt-4.1", 100_000_000, 2_000_000, 50_000_000L, REUSE_LEFT, 0.1, 3, 0, 3000),
                        policies("{match: \"openai/**\", isolation: [private-networking]}"), d, Diagnosis.Decision.REPLAY_CANDIDATE, "dynamo",
                        ReasonCode.ISOLATION_REQUIRED),
                row("isolation passes the stay-put gate", lane("gpt-4.1", 100_000_000, 2_000_000, 80_000_000L, CAPTURED, 0.7, 1, 15, 3000),
                        policies("{match: \"openai/**\", isolation: [private-networking]}"), d, Diagnosis.Decision.REPLAY_CANDIDATE, "k8s-portable",
                        ReasonCode.ISOLATION_REQUIRED))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void shouldDiagnoseEachRowAsKnownInAdvance(final Row row) {
        // when
        final Diagnosis diagnosis = new Diagnoser(PriceTable.defaults(), PROFILES, row.policies(), row.settings()).diagnose(row.evidence());
        // then
        assertThat(diagnosis.decision()).as(row.name()).isEqualTo(row.decision());
        assertThat(diagnosis.reasons()).as(row.name()).containsExactlyElementsOf(row.reasons());
        assertThat(diagnosis.profile()).as(row.name()).isEqualTo(row.profile());
        if (row.reasons().contains(ReasonCode.PRIORITY_TIER_FIRST)) {
            assertThat(diagnosis.levers()).extracting(Diagnosis.Lever::lever).contains("PRIORITY_TIER");
        }
    }

    private static Row row(final String name, final LaneEvidence evidence, final LanePolicies policies, final DecisionSettings settings,
                                 final Diagnosis.Decision decision, final String profile, final ReasonCode... reasons) {
        return new Row(name, evidence, policies, settings, decision, List.of(reasons), profile);
    }

    /** A 15-minute period of an OpenAI lane (TTFT p99 900 ms); the busiest minute carries 1/15 of it. */
    private static LaneEvidence lane(final String model, final long prompt, final long completion, final Long reportedCached,
                                     final Map<String, Long> hits, final double share, final int rank, final int hotWindows, final long promptP50) {
        return new LaneEvidence("openai", model, "chat", 15 * MINUTE, MINUTE, prompt / 10_000, prompt, completion, reportedCached, 0, 0, 0,
                900.0, 4000.0, promptP50, hits, share, rank, hotWindows, prompt / 15, completion / 15);
    }

    private static LanePolicies none() {
        return LanePolicies.none();
    }

    /** One lane rule, as a lanes file would give it. */
    private static LanePolicies policies(final String rule) {
        try {
            final Path file = Files.createTempFile("lanes", ".yaml");
            Files.writeString(file, "lanes:\n  - " + rule + "\n");
            return LanePolicies.read(file);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DecisionSettings settings(final String key, final double value) {
        return DecisionSettings.fromMap(Map.of(DecisionSettings.PREFIX + key, String.valueOf(value)));
    }
}
