package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.DemandProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.ByocReason;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.backend.CandidateCapacity;
import dev.zumik.replay.backend.Runtime;
import dev.zumik.replay.client.ErrorClass;
import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.schedule.ReplaySettings;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.SignedVerdict;
import dev.zumik.replay.verdict.Decider;
import dev.zumik.replay.verdict.ReasonTest;
import dev.zumik.replay.verdict.VerdictReport;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.sim.profile.SimProfile;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Whole replays against two real simulators on loopback: a managed-style baseline and a Dynamo-style candidate. */
class ReplayJobIT {
    private static final Lane LANE = Workloads.lane("openai", "gpt-4.1");
    private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");
    private static SimServer managed;
    private static SimServer dynamo;
    private static KeyPair keys;

    @BeforeAll
    static void start() throws Exception {
        managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
        // the dynamo profile's minimum of two replicas behind its KV router: the capacity these windows are priced at
        dynamo = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER);
        keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    @AfterAll
    static void stop() {
        managed.close();
        dynamo.close();
    }

    static Backend baseline() {
        return new Backend("baseline", URI.create("http://127.0.0.1:" + managed.port() + "/v1"), Runtime.OPENAI, "gpt-4.1", "sk-test");
    }

    static Backend candidate(final int port) {
        return new Backend("candidate", URI.create("http://127.0.0.1:" + port), Runtime.DYNAMO, "meta-llama/Llama-3.3-70B-Instruct", null);
    }

    /** The lane's declared SLOs: both simulators meet them at these loads. */
    static final LanePolicies.Policy SLO = new LanePolicies.Policy(true, 2000.0, 5000.0, List.of(), null, null, null, null, null);
    /** The replay tests the hot-volume reason, as a person declaring it would ask. */
    static final List<Decider.Asked> HOT_VOLUME = List.of(new Decider.Asked(ByocReason.CONCENTRATED_HOT_VOLUME, ReasonTest.DECLARED));

    static ReplayJob.Inputs inputs(final List<RequestShape> shapes, final Instant to, final Backend candidate, final double timeScale) {
        return inputs(shapes, to, candidate, timeScale, HOT_VOLUME, null);
    }

    static ReplayJob.Inputs inputs(final List<RequestShape> shapes, final Instant to, final Backend candidate, final double timeScale,
                                   final List<Decider.Asked> reasons, final DemandProfile demand) {
        return new ReplayJob.Inputs("req-1", "openai/gpt-4.1/chat", START, to, "MANUAL", shapes, false, ByocProfile.shipped("dynamo"),
                baseline(), candidate, PriceTable.defaults(), SLO, DecisionSettings.defaults(), ReplaySettings.defaults().withTimeScale(timeScale),
                reasons, null, null, demand == null ? null : new ReplayJob.Demand(demand, "a week made up for the test"), null, null);
    }

    /**
     * A captured week (Monday 00:00 UTC on) in which each hour of the week that {@code busy} picks carries the replayed
     * window's traffic for the whole hour (its rate, its busiest minute), and every other hour nothing: the GPUs idle.
     */
    static DemandProfile week(final List<RequestShape> window, final Instant from, final Instant to, final IntPredicate busy) {
        final DemandProfile.Slot w = ReplayJob.Demand.of(window, from.toEpochMilli(), to.toEpochMilli()).total();
        final double perHour = 3_600_000.0 / (to.toEpochMilli() - from.toEpochMilli());
        final DemandProfile.Slot hour = new DemandProfile.Slot(Math.round(w.requests() * perHour), Math.round(w.promptTokens() * perHour),
                Math.round(w.cachedTokens() * perHour), Math.round(w.cacheWriteTokens() * perHour), Math.round(w.cacheReportingRequests() * perHour),
                Math.round(w.outputTokens() * perHour), Math.round(w.batchRequests() * perHour), w.peakPromptPerSecond(), w.peakOutputPerSecond());
        final Map<Integer, DemandProfile.Slot> slots = new HashMap<>();
        for (int h = 0; h < DemandProfile.HOURS_PER_WEEK; h++) {
            if (busy.test(h)) {
                slots.put(h, hour);
            }
        }
        final long monday = Instant.parse("2026-11-30T00:00:00Z").toEpochMilli();
        return new DemandProfile(monday, monday + DemandProfile.HOURS_PER_WEEK * DemandProfile.HOUR_MILLIS, slots);
    }

    @Test
    void shouldSayMoveForASteadyHotLaneAndStayForABurstyOne() throws Exception {
        // given: 10 req/s of 2,560-token prompts sharing a 2,048-token prefix, captured at that rate in every hour of a week:
        // ~26M requests a month
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 100, 10, 2048, 512, 30, 1);
        final DemandProfile steady = week(shapes, START, START.plusSeconds(10), h -> true);
        // when replayed in real time on the two replicas priced
        final ReplayJob.Result result = ReplayJob.run(inputs(shapes, START.plusSeconds(10), candidate(dynamo.port()), 1, HOT_VOLUME, steady),
                keys.getPrivate(), (b, c) -> { });
        // then
        assertThat(result.report().decision()).as(result.report().reasons() + " " + result.report().candidate().stats()).isEqualTo("MOVE");
        assertThat(result.report().reasons()).containsExactly("CONCENTRATED_HOT_VOLUME", "MATERIAL_GAIN", "EQUAL_CAPTURE", "SLO_NO_WORSE");
        assertThat(result.report().capacity()).isEqualTo(new VerdictReport.Capacity(2, 2, "dynamo-kv-router",
                "metrics: worker_id of dynamo_frontend_worker_active_decode_blocks"));
        assertThat(result.report().byocReasons()).singleElement().satisfies(t -> {
            assertThat(t.holds()).isTrue();
            assertThat(t.source()).isEqualTo("declared");
            assertThat(t.figures()).containsKeys("costGainLowPct", "materialGainPct", "candidateCapture");
        });
        assertThat(result.report().thresholds().sloSource()).isEqualTo("declared by the lane policy");
        assertThat(result.report().thresholds().decision()).containsEntry("material.gain.pct", 15.0).containsEntry("capture.ratio", 0.8);
        assertThat(result.report().modelSubstitution()).isEqualTo(new VerdictReport.ModelSubstitution("openai/gpt-4.1",
                "meta-llama/Llama-3.3-70B-Instruct", false, null));
        assertThat(result.report().baseline().stats().errorRate()).isZero();
        assertThat(result.report().candidate().stats().capture()).isGreaterThan(0.7);
        assertThat(result.report().baseline().stats().capture()).isGreaterThan(0.7);
        assertThat(result.report().intervals().costGainPct().low()).isGreaterThan(0);
        assertThat(result.report().candidate().stats().promptTokenMismatch()).isZero();
        assertThat(result.report().candidate().stats().outputTokenMismatch()).isZero();
        final SignedVerdict.Verified verified = SignedVerdict.verify(result.envelope().getBytes(StandardCharsets.UTF_8), keys.getPublic(),
                Optional.empty());
        assertThat(verified.decision()).isEqualTo("MOVE");
        assertThat(result.report().demand().coverage().fullWeek()).isTrue();
        // and the candidate runtime's own counters (sglang:cached_tokens_total, as Dynamo's workers re-export it) confirm its capture
        assertThat(result.report().runtimeCapture().runtimeCapture()).isCloseTo(result.report().candidate().stats().capture(),
                Offset.offset(0.02));
        assertThat(result.report().runtimeCapture().decisionUses()).startsWith("the responses' figure, confirmed by the runtime");
        assertThat(result.report().demand().hourly()).hasSize(168);
        // and the same measurement judged with no reason asked: the same cheap candidate stays
        final ReplayJob.Measurement measured = new ReplayJob.Measurement(ReplayJob.inArrivalOrder(shapes), List.of(new ReplayJob.Run(1,
                result.baseline(), result.candidate(), result.report().replay().startedAt(), result.report().replay().durationSeconds())),
                new CandidateCapacity.Tested(result.report().capacity().testedReplicas(), result.report().capacity().testedSource()));
        final VerdictReport unreasoned = ReplayJob.judge(inputs(shapes, START.plusSeconds(10), candidate(dynamo.port()), 1, List.of(), steady),
                measured);
        assertThat(unreasoned.decision()).isEqualTo("STAY");
        assertThat(unreasoned.reasons()).containsExactly("NO_BYOC_REASON");
        assertThat(unreasoned.intervals()).isEqualTo(result.report().intervals());
        // and the same window from a bursty lane, busy one hour a day and idle the rest: the window times a month says BYOC is
        // far cheaper, the week's demand says its GPUs idle 23 hours a day and it loses
        final VerdictReport windowTimesMonth = ReplayJob.judge(inputs(shapes, START.plusSeconds(10), candidate(dynamo.port()), 1, HOT_VOLUME,
                null), measured);
        assertThat(windowTimesMonth.intervals().costGainPct().estimate()).isGreaterThan(50);
        assertThat(windowTimesMonth.decision()).as("the window alone is partial coverage").isEqualTo("INCONCLUSIVE");
        assertThat(windowTimesMonth.reasons()).startsWith("PARTIAL_COVERAGE");
        final VerdictReport bursty = ReplayJob.judge(inputs(shapes, START.plusSeconds(10), candidate(dynamo.port()), 1, HOT_VOLUME,
                week(shapes, START, START.plusSeconds(10), h -> h % 24 == 14)), measured);
        assertThat(bursty.decision()).as(bursty.reasons().toString()).isEqualTo("STAY");
        assertThat(bursty.reasons()).containsExactly("NO_MATERIAL_GAIN", "EQUAL_CAPTURE", "SLO_NO_WORSE");
        assertThat(bursty.intervals().costGainPct().estimate()).isNegative();
        assertThat(bursty.candidate().sizing().idleGpuHoursPerMonth()).isGreaterThan(0.9 * bursty.candidate().sizing().gpuHoursPerMonth());
    }

    @Test
    void shouldSayStayWhenManagedCachingAlreadyCapturesTheReuseAtThisVolume() throws Exception {
        // given: the same reuse at one request every two seconds: ~1.3M requests a month
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 30, 0.5, 2048, 512, 30, 2);
        // when
        final ReplayJob.Result result = ReplayJob.run(inputs(shapes, START.plusSeconds(60), candidate(dynamo.port()), 20),
                keys.getPrivate(), (b, c) -> { });
        // then
        assertThat(result.report().decision()).as(result.report().reasons() + " " + result.report().baseline().stats() + " "
                + result.report().candidate().stats()).isEqualTo("STAY");
        assertThat(result.report().reasons()).contains("NO_MATERIAL_GAIN");
        assertThat(result.report().baseline().stats().capture()).isGreaterThan(0.7);
    }

    @Test
    void shouldNotMoveOnCacheHitsTheCandidateRuntimeDidNotCount() throws Exception {
        // given a candidate whose responses report 1.5 times the cached tokens its cache served (its counters keep the truth)
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 30, 10, 2048, 512, 30, 13);
        final SimProfile overReporting = reportingScaled(1.5);
        try (SimServer fleet = SimServer.start(overReporting, "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER)) {
            // when replayed as in the MOVE above
            final ReplayJob.Result result = ReplayJob.run(inputs(shapes, START.plusSeconds(3), candidate(fleet.port()), 1, HOT_VOLUME,
                    week(shapes, START, START.plusSeconds(3), h -> true)), keys.getPrivate(), (b, c) -> { });
            // then the claim is caught: INCONCLUSIVE, with both figures in the report and a note
            assertThat(result.report().decision()).as(result.report().reasons().toString()).isEqualTo("INCONCLUSIVE");
            assertThat(result.report().reasons()).contains("CAPTURE_UNCONFIRMED");
            final VerdictReport.RuntimeCheck check = result.report().runtimeCapture();
            assertThat(check.reportedCapture()).isGreaterThan(check.runtimeCapture() + 0.1);
            assertThat(check.source()).startsWith("sglang:cached_tokens_total");
            assertThat(result.report().notes()).anyMatch(n -> n.contains("its runtime counted"));
        }
    }

    /** The dynamo simulator whose responses report {@code scale} times the cached tokens its cache served. */
    private static SimProfile reportingScaled(final double scale) {
        return Profiles.load("dynamo", Optional.empty()).withFaults(new SimProfile.Faults(Map.of(), 0, 0, 0, 0, 0, scale)).withSeed(3);
    }

    @Test
    void shouldShowTheRuntimesOwnFigureWhenTheResponsesUnderReportAndDecideOnTheLowerOne() throws Exception {
        // given a candidate whose responses report half the cached tokens its cache served, its two replicas' counters read one by one
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 30, 10, 2048, 512, 30, 13);
        final SimProfile underReporting = reportingScaled(0.5);
        try (SimServer fleet = SimServer.start(underReporting, "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER);
             SimServer idle = SimServer.start(underReporting, "127.0.0.1", 0)) {
            final Backend candidate = new Backend("candidate", URI.create("http://127.0.0.1:" + fleet.port()), Runtime.DYNAMO,
                    "meta-llama/Llama-3.3-70B-Instruct", null, List.of(URI.create("http://127.0.0.1:" + fleet.port() + "/metrics"),
                    URI.create("http://127.0.0.1:" + idle.port() + "/metrics")));
            // when replayed as in the MOVE above
            final ReplayJob.Result result = ReplayJob.run(inputs(shapes, START.plusSeconds(3), candidate, 1, HOT_VOLUME,
                    week(shapes, START, START.plusSeconds(3), h -> true)), keys.getPrivate(), (b, c) -> { });
            // then the report shows the runtime's own figure, summed over both endpoints, beside the lower reported one the decision used
            final VerdictReport.RuntimeCheck check = result.report().runtimeCapture();
            assertThat(check.runtimeCapture()).as(check.toString()).isGreaterThan(check.reportedCapture() + 0.1);
            assertThat(check.decisionUses()).contains("the lower of the two");
            assertThat(check.replicas()).hasSize(2);
            assertThat(check.replicas().get(1).queriedTokens()).isZero();
            assertThat(check.replicas().get(0).hitTokens()).isEqualTo(check.hitTokens());
            assertThat(result.report().notes()).anyMatch(n -> n.contains("its runtime counted") && n.contains("its responses reported"));
            assertThat(result.report().reasons()).doesNotContain("CAPTURE_UNCONFIRMED");
        }
    }

    @Test
    void shouldFindNoPreviousRepetitionsPrefixesWarmOnTheCandidate() throws Exception {
        // given a window whose 30 requests share a 2,048-token prefix, replayed twice against the same candidate
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 30, 10, 2048, 512, 10, 9);
        final ReplayJob.Inputs in = new ReplayJob.Inputs("req-salts", "openai/gpt-4.1/chat", START, START.plusSeconds(3), "MANUAL", shapes,
                false, ByocProfile.shipped("dynamo"), baseline(), candidate(dynamo.port()), PriceTable.defaults(), SLO,
                DecisionSettings.defaults(), ReplaySettings.defaults().withRepetitions(2), HOT_VOLUME, null, null, null, null, null);
        // when
        final ReplayJob.Measurement m = ReplayJob.measure(in, ReplayJob.inArrivalOrder(shapes), (b, c) -> { });
        // then each repetition ran under its own salt, and each one's first request found the candidate's cache cold
        assertThat(m.runs()).hasSize(2);
        assertThat(m.runs().get(0).salt()).isNotEqualTo(m.runs().get(1).salt());
        for (final ReplayJob.Run run : m.runs()) {
            assertThat(run.candidate().get(0).cachedTokens()).as("first request of a repetition").isZero();
            assertThat(run.candidate().get(29).cachedTokens()).as("the prefix is shared within a repetition").isGreaterThanOrEqualTo(2048);
        }
        final VerdictReport report = ReplayJob.judge(in, m);
        assertThat(report.replay().repetitions()).hasSize(2);
        assertThat(report.baseline().stats().requests()).isEqualTo(60);
    }

    @Test
    void shouldBeInconclusiveWhenTheCandidateRanOnFewerReplicasThanPriced() throws Exception {
        // given the window of the MOVE above, and a candidate of one replica where two are priced
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 30, 10, 2048, 512, 30, 11);
        try (SimServer one = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0, 1, SimFleet.Scheduler.KV_ROUTER)) {
            // when
            final ReplayJob.Result result = ReplayJob.run(inputs(shapes, START.plusSeconds(3), candidate(one.port()), 1), keys.getPrivate(),
                    (b, c) -> { });
            // then
            assertThat(result.report().decision()).isEqualTo("INCONCLUSIVE");
            assertThat(result.report().reasons()).startsWith("CAPACITY_MISMATCH");
            assertThat(result.report().capacity().pricedReplicas()).isEqualTo(2);
            assertThat(result.report().capacity().testedReplicas()).isEqualTo(1);
        }
    }

    @Test
    void shouldCaptureMoreBehindAPrefixAwareSchedulerThanBehindRoundRobin() throws Exception {
        // given 48 requests from 7 prefix families (2,048 shared tokens each), in turn, and a fleet of 4 replicas (7 and 4 share no
        // factor, so taking replicas in turn spreads every family over all four)
        final List<RequestShape> shapes = ReplayJob.inArrivalOrder(Workloads.families(LANE, START, 48, 12, 7, 2048, 256, 10, 12));
        final Map<SimFleet.Scheduler, Double> capture = new EnumMap<>(SimFleet.Scheduler.class);
        for (final SimFleet.Scheduler scheduler : SimFleet.Scheduler.values()) {
            try (SimServer fleet = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0, 4, scheduler)) {
                // when the same window is replayed behind each scheduler
                final ReplayJob.Inputs in = new ReplayJob.Inputs("req-" + scheduler, "openai/gpt-4.1/chat", START, START.plusSeconds(4), "MANUAL",
                        shapes, false, ByocProfile.shipped("dynamo"), baseline(), candidate(fleet.port()), PriceTable.defaults(), SLO,
                        DecisionSettings.defaults(), ReplaySettings.defaults(), HOT_VOLUME, null, null, null, null, null);
                final ReplayJob.Measurement m = ReplayJob.measure(in, shapes, (b, c) -> { });
                assertThat(m.capacity().replicas()).as(scheduler + ": " + m.capacity().source())
                        .isEqualTo(scheduler == SimFleet.Scheduler.ROUND_ROBIN ? null : 4);
                final List<Outcome> outcomes = m.pooled(false);
                capture.put(scheduler, outcomes.stream().mapToLong(o -> o.cachedTokens() == null ? 0 : o.cachedTokens()).sum()
                        / (double) outcomes.stream().mapToLong(o -> o.promptTokens() == null ? 0 : o.promptTokens()).sum());
            }
        }
        // then prefix-aware picking keeps each family on a replica that holds it (7 cold starts, against 28 in turn)
        assertThat(capture.get(SimFleet.Scheduler.KV_ROUTER)).as(capture.toString()).isGreaterThan(capture.get(SimFleet.Scheduler.ROUND_ROBIN) + 0.15);
        assertThat(capture.get(SimFleet.Scheduler.EPP)).as(capture.toString()).isGreaterThan(capture.get(SimFleet.Scheduler.ROUND_ROBIN) + 0.15);
    }

    @Test
    void shouldBeInconclusiveWhenTheCandidateIsUnreachable() throws Exception {
        // given: nothing listens on the candidate's port
        final int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 20, 10, 1024, 256, 10, 3);
        // when
        final ReplayJob.Result result = ReplayJob.run(inputs(shapes, START.plusSeconds(2), candidate(closed), 1), keys.getPrivate(),
                (b, c) -> { });
        // then
        assertThat(result.report().decision()).isEqualTo("INCONCLUSIVE");
        assertThat(result.report().reasons()).contains("CANDIDATE_UNREACHABLE", "CANDIDATE_ERRORS");
        assertThat(result.report().candidate().stats().errors(ErrorClass.CONNECT)).isEqualTo(20);
    }

    @Test
    void shouldReportBackendFaultsByClassAndCallTheVerdictInconclusive() throws Exception {
        // given a candidate that answers 429 and 500 in bursts, drops streams and is slow to its first byte
        final SimProfile p = Profiles.load("dynamo", Optional.empty());
        final SimProfile faulty = p.withFaults(new SimProfile.Faults(
                Map.of(429, 0.1, 500, 0.1), 0, 0, 0.1, 0.1, 300)).withSeed(7);
        try (SimServer flaky = SimServer.start(faulty, "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER)) {
            final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 100, 10, 1024, 256, 20, 4);
            // when
            final ReplayJob.Result result = ReplayJob.run(inputs(shapes, START.plusSeconds(10), candidate(flaky.port()), 2),
                    keys.getPrivate(), (b, c) -> { });
            // then every failure is counted by its class, and a replay that failed this often decides nothing
            final var stats = result.report().candidate().stats();
            assertThat(stats.errors(ErrorClass.RATE_LIMITED)).isPositive();
            assertThat(stats.errors(ErrorClass.SERVER_ERROR)).isPositive();
            assertThat(stats.errors(ErrorClass.STREAM_DROPPED)).isPositive();
            assertThat(stats.failed()).isEqualTo(stats.errorsByClass().values().stream().mapToLong(Long::longValue).sum());
            assertThat(stats.ttftMs().p99()).isGreaterThan(300);
            assertThat(result.report().decision()).isEqualTo("INCONCLUSIVE");
            assertThat(result.report().reasons()).containsExactly("CANDIDATE_ERRORS");
            assertThat(result.report().baseline().stats().failed()).isZero();
        }
    }

    @Test
    void shouldFailVerificationOnEveryOneOfAThousandBitFlipsOfARealVerdict() throws Exception {
        // given a verdict of a replay that ran
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 20, 10, 1024, 256, 10, 5);
        final byte[] envelope = ReplayJob.run(inputs(shapes, START.plusSeconds(2), candidate(dynamo.port()), 2), keys.getPrivate(),
                (b, c) -> { }).envelope().getBytes(StandardCharsets.UTF_8);
        assertThat(SignedVerdict.verify(envelope, keys.getPublic(), Optional.empty()).decision()).isNotBlank();
        // when 1,000 single bits spread over the whole envelope (structure, payload, signature) are flipped, one at a time
        final SplittableRandom random = new SplittableRandom(99);
        for (int n = 0; n < 1000; n++) {
            final byte[] tampered = envelope.clone();
            final int at = n < 100 ? envelope.length - 1 - n : random.nextInt(envelope.length);
            tampered[at] ^= (byte) (1 << random.nextInt(8));
            // then each fails
            assertThatThrownBy(() -> SignedVerdict.verify(tampered, keys.getPublic(), Optional.empty())).as("flip at byte %d", at)
                    .isInstanceOf(Dsse.VerificationException.class);
        }
    }

    @Test
    void shouldBeInconclusiveWithoutFiringForAnEmptyWindow() throws Exception {
        // when
        final ReplayJob.Result result = ReplayJob.run(inputs(List.of(), START.plusSeconds(60), candidate(dynamo.port()), 1),
                keys.getPrivate(), (b, c) -> { });
        // then
        assertThat(result.report().decision()).isEqualTo("INCONCLUSIVE");
        assertThat(result.report().reasons()).containsExactly("EMPTY_WINDOW");
        assertThat(result.baseline()).isEmpty();
    }

    @Test
    void shouldFailVerificationOnAFlippedBitAndOnAWrongKey() throws Exception {
        // given
        final ReplayJob.Result result = ReplayJob.run(inputs(List.of(), START.plusSeconds(60), candidate(dynamo.port()), 1),
                keys.getPrivate(), (b, c) -> { });
        final byte[] envelope = result.envelope().getBytes(StandardCharsets.UTF_8);
        final byte[] flipped = envelope.clone();
        flipped[envelope.length / 2] ^= 0x04;
        // then
        assertThatThrownBy(() -> SignedVerdict.verify(flipped, keys.getPublic(), Optional.empty())).isInstanceOf(Dsse.VerificationException.class);
        assertThatThrownBy(() -> SignedVerdict.verify(envelope, KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic(),
                Optional.empty())).isInstanceOf(Dsse.VerificationException.class);
        assertThat(SignedVerdict.verify(envelope, keys.getPublic(), Optional.empty()).decision()).isEqualTo("INCONCLUSIVE");
    }
}
