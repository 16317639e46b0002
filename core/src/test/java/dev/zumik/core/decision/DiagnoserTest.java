package dev.zumik.core.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.CostModel;
import dev.zumik.core.cost.PriceTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnoserTest {
    private static final long MINUTE = 60_000;
    private static final PriceTable PRICES = PriceTable.defaults();
    private static final List<ByocProfile> PROFILES = List.of(ByocProfile.shipped("dynamo"), ByocProfile.shipped("k8s-portable"));

    /** A 15-minute period of a gpt-4.1 lane with these totals (the busiest minute carries 1/15 of them). */
    private static LaneEvidence lane(final long prompt, final long completion, final Long reportedCached, final Map<String, Long> hits,
                                     final double share, final int rank, final int hotWindows, final long promptP50) {
        return new LaneEvidence("openai", "gpt-4.1", "chat", 15 * MINUTE, MINUTE, prompt / 10_000, prompt, completion, reportedCached, 0, 0, 0,
                900.0, 4000.0, promptP50, hits, share, rank, hotWindows, prompt / 15, completion / 15);
    }

    private static Diagnosis diagnose(final LaneEvidence e, final LanePolicies policies) {
        return new Diagnoser(PRICES, PROFILES, policies, DecisionSettings.defaults()).diagnose(e);
    }

    @Test
    void shouldRefuseIsolationWordsOutsideTheClosedSetAndNegativePremiumsNamingTheLane(@TempDir final Path dir) throws Exception {
        // given
        final Path because = dir.resolve("because.yaml");
        Files.writeString(because, "lanes:\n  - {match: \"openai/**\", isolation: [because]}\n");
        final Path premium = dir.resolve("premium.yaml");
        Files.writeString(premium, "lanes:\n  - {match: \"openai/gpt-4.1/*\", acceptedPremiumPct: -5}\n");
        final Path region = dir.resolve("region.yaml");
        Files.writeString(region, "defaults: {isolation: [\"region:eu-west-1\", private-networking, runtime-confirmed-deletion]}\n");
        // then
        assertThatThrownBy(() -> LanePolicies.read(because)).hasMessage(because + ": lanes[0] (openai/**): isolation: 'because' is not an "
                + "isolation requirement: give private-networking, region:<name> (e.g. region:eu-west-1) or runtime-confirmed-deletion");
        assertThatThrownBy(() -> LanePolicies.read(premium)).hasMessage(premium + ": lanes[0] (openai/gpt-4.1/*): acceptedPremiumPct must be "
                + ">= 0, got -5.0");
        assertThat(LanePolicies.read(region).forLane("openai/gpt-4.1/chat").isolation()).hasSize(3);
    }

    @Test
    void shouldReadDecisionSettingsFromDecisionKeysAndRefuseUnknownOnes() {
        // when
        final DecisionSettings s = DecisionSettings.fromMap(Map.of("decision.material.gain.pct", "20", "decision.hot.windows", "3",
                "kafka.bootstrap.servers", "x:9092"));
        // then
        assertThat(s.materialGainPct()).isEqualTo(20);
        assertThat(s.hotWindows()).isEqualTo(3);
        assertThat(s.captureRatio()).isEqualTo(DecisionSettings.defaults().captureRatio());
        assertThat(s.asMap()).containsEntry("material.gain.pct", 20.0).containsKeys("capture.ratio", "incremental.reuse.ratio",
                "hot.min.monthly.spend.usd", "slo.target", "accepted.premium.pct");
        assertThatThrownBy(() -> DecisionSettings.fromMap(Map.of("decision.material.gain", "20")))
                .hasMessageStartingWith("unknown setting decision.material.gain: the decision settings are decision.material.gain.pct, ");
        assertThatThrownBy(() -> DecisionSettings.fromMap(Map.of("decision.hot.share", "lots")))
                .hasMessage("decision.hot.share must be a number, got 'lots'");
        assertThatThrownBy(() -> DecisionSettings.fromMap(Map.of("decision.capture.ratio", "1.5")))
                .hasMessage("decision.capture.ratio must be in [0, 1], got 1.5");
    }

    @Test
    void shouldAdviseManagedLeversBeforeAnyReplay(@TempDir final Path dir) throws Exception {
        // given a lane that captures 40% of the cacheable tokens, declared batch-friendly and routable to a cheaper model
        final Path policies = dir.resolve("lanes.yaml");
        Files.writeString(policies, """
                defaults: {interactive: true}
                lanes:
                  - match: "openai/gpt-4.1/*"
                    interactive: false
                    aliasTo: gpt-4o-mini
                """);
        final long prompt = 30_000_000;
        final LaneEvidence e = lane(prompt, 500_000, 8_000_000L, Map.of("infinite", 21_000_000L, "managed", 20_000_000L,
                "dynamo", 21_000_000L, "k8s-portable", 20_500_000L), 0.2, 3, 0, 3000);
        // when
        final Diagnosis d = diagnose(e, LanePolicies.read(policies));
        // then
        assertThat(d.decision()).isEqualTo(Diagnosis.Decision.USE_MANAGED_LEVERS);
        assertThat(d.reasons()).containsExactly(ReasonCode.NO_BYOC_REASON);
        assertThat(d.levers()).extracting(Diagnosis.Lever::lever).containsExactly("PROMPT_CACHING", "BATCH_TIER", "ALIAS_ROUTING");
        final double managed = d.figures().get("managed_monthly_usd");
        // 12M missed cached tokens per period x (2.00 - 0.50) $/M x 2,920 periods a month (730 h of 15-minute periods)
        assertThat(d.levers().get(0).estimatedMonthlySavingsUsd()).isCloseTo(12 * 1.5 * 2920, Offset.offset(1.0));
        assertThat(d.levers().get(1).estimatedMonthlySavingsUsd()).isCloseTo(managed * 0.5, Offset.offset(1.0));
        assertThat(d.levers()).allSatisfy(l -> assertThat(l.estimatedSavingsPct()).isBetween(0.0, 100.0));
    }

    @Test
    void shouldSizeByocForThePeakWithHeadroom() {
        // given a peak minute of 60M prompt tokens (1M/s), 80% served from cache, and 300k output tokens (5k/s)
        final LaneEvidence e = new LaneEvidence("openai", "gpt-4.1", "chat", 15 * MINUTE, MINUTE, 1, 60_000_000, 300_000, null, 0, 0, 0,
                null, null, 0, Map.of("dynamo", 48_000_000L), 1, 1, 15, 60_000_000, 300_000);
        // when
        final CostModel.ByocCost cost = CostModel.byocMonthly(ByocProfile.shipped("dynamo"), e, PRICES);
        // then: 200k/12k + 5k/4,205 = 17.86 replica-loads, x1.3 = 23.2 -> 24 replicas of 2 GPUs at 6.88 $/h
        assertThat(cost.replicas()).isEqualTo(24);
        assertThat(cost.gpus()).isEqualTo(48);
        assertThat(cost.monthlyUsd()).isCloseTo(48 * 6.88 * 730 + 6000, Offset.offset(0.01));
    }

    @Test
    void shouldValidateProfilesAndRejectTwoSchedulerOwners(@TempDir final Path dir) throws Exception {
        for (final String name : ByocProfile.SHIPPED) {
            assertThat(ByocProfile.shipped(name).cachePolicy().tiers()).isNotEmpty();
        }
        assertThat(ByocProfile.shipped("dynamo").cachePolicy().tiers()).containsExactly("hbm", "host", "nvme");
        final Path both = dir.resolve("both.yaml");
        Files.writeString(both, Files.readString(Path.of("../infra/profiles/dynamo.yaml"))
                .replace("replicaSelection: [dynamo-kv-router]", "replicaSelection: [dynamo-kv-router, gateway-api-inference-extension]"));
        assertThatThrownBy(() -> ByocProfile.read(both)).hasMessageContaining("both.yaml: replicaSelection: one scheduler must own replica "
                + "selection per profile, but dynamo-kv-router and gateway-api-inference-extension would both pick replicas in one path");
        final Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, Files.readString(Path.of("../infra/profiles/dynamo.yaml"))
                .replace("headroom: 1.3", "headrom: 1.3"));
        assertThatThrownBy(() -> ByocProfile.read(typo)).hasMessageContaining("typo.yaml: headrom: unknown field (did you mean headroom?)");
    }
}
