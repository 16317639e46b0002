package dev.zumik.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.DemandProfile;
import dev.zumik.schemas.avro.DiagnosisDecision;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.ManagedLever;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.InMemorySchemaRegistry;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.streams.analyze.AnalysisReport;
import dev.zumik.streams.analyze.Analyzer;
import dev.zumik.streams.topology.LaneAnalysisTopology;
import dev.zumik.streams.topology.StreamsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production topology under TopologyTestDriver, with Zumik's serdes over an in-memory registry: no broker, no
 * registry process (the serdes' conformance with a real registry and the state's restore are the ITs').
 */
class LaneAnalysisTopologyTest {
    private static final Lane LANE = new Lane("mooncake", "trace", "synthetic");
    private static final Lane OTHER = new Lane("openai", "gpt-4o", "chat");

    private final Topics topics = Topics.create(new InMemorySchemaRegistry());

    private TopologyTestDriver driver(final StreamsSettings settings) {
        return new TopologyTestDriver(LaneAnalysisTopology.build(settings, topics), settings.streamsProperties());
    }

    private static StreamsSettings settings(final Path dir, final String policies) {
        return StreamsSettings.defaults(Map.of("bootstrap.servers", "unused:9092"), dir.resolve("state"))
                .withPolicies(CachePolicy.parseList(policies)).withSnapshotEvery(500);
    }

    @Test
    void shouldCountLikeTheOfflineAnalyzerOnTheMooncakeTrace(@TempDir final Path dir) throws Exception {
        // given
        final String policies = "infinite,lru:1e6,ttl:60s,managed";
        final List<RequestShape> trace = MooncakeTrace.shapes(LANE);
        try (TopologyTestDriver driver = driver(settings(dir, policies))) {
            final TestInputTopic<String, RequestShape> in = driver.createInputTopic(Topics.SHAPES, Serdes.String().serializer(),
                    topics.shapes().valueSerde().serializer());
            final TestOutputTopic<String, LaneWindowStats> out = driver.createOutputTopic(Topics.LANE_STATS, Serdes.String().deserializer(),
                    topics.laneStats().valueSerde().deserializer());
            // when the whole trace goes through, then one later record closes its last window
            for (final RequestShape shape : trace) {
                in.pipeInput(Lanes.key(LANE), shape, shape.getArrivalTime());
            }
            final Instant later = trace.get(trace.size() - 1).getArrivalTime().plus(Duration.ofHours(1));
            in.pipeInput(Lanes.key(OTHER), MooncakeTrace.shape(OTHER, later, 10, 1, List.of(1L), 512), later);
            final List<LaneWindowStats> stats = out.readValuesToList();
            // then the windows add up to the trace, and the simulated hits to what analyze finds offline
            final Analyzer offline = new Analyzer(CachePolicy.parseList(policies));
            trace.forEach(offline::accept);
            final AnalysisReport.LaneReport expected = offline.report().lanes().get(0);
            assertThat(stats).allSatisfy(s -> assertThat(Lanes.key(s.getLane())).isEqualTo(Lanes.key(LANE)));
            assertThat(stats.stream().mapToLong(LaneWindowStats::getRequests).sum()).isEqualTo(trace.size());
            assertThat(stats.stream().mapToLong(LaneWindowStats::getPromptTokens).sum()).isEqualTo(expected.promptTokens());
            final Map<String, Long> hits = new HashMap<>();
            stats.forEach(s -> s.getSimulatedHitTokens().forEach((policy, tokens) -> hits.merge(policy, tokens, Long::sum)));
            for (final AnalysisReport.PolicyReport policy : expected.policies()) {
                assertThat(hits.get(policy.policy())).as(policy.policy()).isEqualTo(policy.hitTokens());
            }
            assertThat(stats).hasSize(18);
            assertThat(stats.get(0).getQuantiles()).containsKeys("prompt_p50", "prompt_p99");
            assertThat(stats.get(0).getPeakToMeanArrivals()).isGreaterThanOrEqualTo(1.0);
        }
    }

    @Test
    void shouldSendEveryPoisonRecordToTheDeadLetterTopicAndCountEveryValidOne(@TempDir final Path dir) {
        // given
        final String lane = Lanes.key(OTHER);
        final Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        try (TopologyTestDriver driver = driver(settings(dir, "infinite"))) {
            final TestInputTopic<String, RequestShape> shapes = driver.createInputTopic(Topics.SHAPES, Serdes.String().serializer(),
                    topics.shapes().valueSerde().serializer());
            final TestInputTopic<String, byte[]> raw = driver.createInputTopic(Topics.SHAPES, Serdes.String().serializer(),
                    Serdes.ByteArray().serializer());
            final TestOutputTopic<Bytes, DeadLetter> dead = driver.createOutputTopic(Topics.DEAD_LETTERS, Serdes.Bytes().deserializer(),
                    topics.deadLetters().valueSerde().deserializer());
            final TestOutputTopic<String, LaneWindowStats> stats = driver.createOutputTopic(Topics.LANE_STATS, Serdes.String().deserializer(),
                    topics.laneStats().valueSerde().deserializer());
            final Random random = new Random(5);
            // when valid shapes are interleaved with poison of every kind
            int valid = 0;
            for (int i = 0; i < 40; i++) {
                final Instant at = t0.plusSeconds(i);
                shapes.pipeInput(lane, MooncakeTrace.shape(OTHER, at, 1000, 10, List.of(1L, 2L), 512), at);
                valid++;
                switch (i % 8) {
                    case 0 -> {
                        final byte[] junk = new byte[20];
                        random.nextBytes(junk);
                        raw.pipeInput(lane, junk, at);
                    }
                    case 1 -> raw.pipeInput(lane, new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 2, 4}, at);
                    case 2 -> shapes.pipeInput(lane, MooncakeTrace.shape(OTHER, at, -3, 10, List.of(), 512), at);
                    case 3 -> shapes.pipeInput(lane, MooncakeTrace.shape(OTHER, at, 1000, 10, List.of(1L, 2L, 3L, 4L, 5L), 512), at);
                    case 4 -> shapes.pipeInput("another/lane/key", MooncakeTrace.shape(OTHER, at, 1000, 10, List.of(1L, 2L), 512), at);
                    case 5 -> shapes.pipeInput(lane, MooncakeTrace.shape(new Lane("a/b", "m", "r"), at, 10, 1, List.of(1L), 512), at);
                    default -> { }
                }
            }
            final Instant later = t0.plus(Duration.ofHours(1));
            shapes.pipeInput(lane, MooncakeTrace.shape(OTHER, later, 10, 1, List.of(9L), 512), later);
            // then
            final List<DeadLetter> letters = dead.readValuesToList();
            assertThat(letters).hasSize(5 * 6);
            assertThat(letters).extracting(DeadLetter::getReason).anySatisfy(r -> assertThat(r).startsWith("undeserializable"))
                    .anySatisfy(r -> assertThat(r).contains("promptTokens is negative (-3)"))
                    .anySatisfy(r -> assertThat(r).contains("hash count 5 is inconsistent"))
                    .anySatisfy(r -> assertThat(r).contains("is not the shape's lane"))
                    .anySatisfy(r -> assertThat(r).contains("unknown lane format"));
            assertThat(letters).allSatisfy(l -> {
                assertThat(l.getTopic()).isEqualTo(Topics.SHAPES);
                assertThat(l.getStage()).isEqualTo("streams-app");
                assertThat(l.getValue()).isNotNull();
            });
            assertThat(new String(letters.get(0).getKey().array(), StandardCharsets.UTF_8)).isEqualTo(lane);
            assertThat(stats.readValuesToList().stream().mapToLong(LaneWindowStats::getRequests).sum()).isEqualTo(valid);
        }
    }

    /** A request with a shared prefix of {@code sharedBlocks} (one of {@code families}) and {@code ownBlocks} of its own. */
    private static RequestShape request(final Lane lane, final Instant at, final int family, final int sharedBlocks, final int ownBlocks,
                                        final int seq, final Long cached) {
        final List<Long> hashes = new ArrayList<>();
        for (int b = 0; b < sharedBlocks; b++) {
            hashes.add(family * 1_000_000L + b);
        }
        for (int b = 0; b < ownBlocks; b++) {
            hashes.add(-(seq * 100L + b) - 1);
        }
        final RequestShape shape = MooncakeTrace.shape(lane, at, hashes.size() * 64, 200, hashes, 64);
        shape.setCachedTokens(cached == null ? null : (int) Math.min(cached, shape.getPromptTokens()));
        shape.setTtftMs(400.0 + seq % 50);
        return shape;
    }

    @Test
    void shouldDiagnoseEveryLaneEachPeriodAndTriggerOneReplayForAHotLane(@TempDir final Path dir) {
        // given 5-minute evaluation periods of 1-minute windows
        final StreamsSettings base = settings(dir, "infinite");
        final StreamsSettings settings = base.withDiagnosis(base.diagnosis().withEvaluationWindows(5))
                .withPolicies(StreamsSettings.policiesFor(base.diagnosis()));
        final Lane hot = new Lane("openai", "gpt-4.1", "support-bot");
        final Lane small = new Lane("openai", "gpt-4o", "internal-tool");
        final Instant t0 = Instant.parse("2026-11-24T12:00:00Z");
        try (TopologyTestDriver driver = driver(settings)) {
            final TestInputTopic<String, RequestShape> in = driver.createInputTopic(Topics.SHAPES, Serdes.String().serializer(),
                    topics.shapes().valueSerde().serializer());
            final TestOutputTopic<String, LaneDiagnosis> diagnoses = driver.createOutputTopic(Topics.DIAGNOSES,
                    Serdes.String().deserializer(), topics.diagnoses().valueSerde().deserializer());
            final TestOutputTopic<String, ReplayRequest> replays = driver.createOutputTopic(Topics.REPLAY_REQUESTS,
                    Serdes.String().deserializer(), topics.replayRequests().valueSerde().deserializer());
            // when: 12 minutes of a hot lane (300 requests a minute, 17-block prompts, 15 of them shared by one of 4
            // system prompts: 960 tokens, under the managed cache's 1,024-token minimum, so the provider reports none
            // cached and BYOC's prefix cache would hit them) beside a small lane
            int seq = 0;
            for (int second = 0; second < 12 * 60; second++) {
                final Instant at = t0.plusSeconds(second);
                for (int r = 0; r < 5; r++) {
                    in.pipeInput(Lanes.key(hot), request(hot, at, seq % 4, 15, 2, seq, 0L), at);
                    seq++;
                }
                if (second % 30 == 0) {
                    in.pipeInput(Lanes.key(small), request(small, at, 9, 2, 20, seq++, null), at);
                }
            }
            final Instant later = t0.plus(Duration.ofHours(1));
            in.pipeInput(Lanes.key(small), request(small, later, 9, 2, 20, seq, null), later);
            // then: both lanes diagnosed for both complete periods; the hot lane is a candidate, once requested
            final List<TestRecord<String, LaneDiagnosis>> out = diagnoses.readRecordsToList();
            assertThat(out).hasSize(4);
            final var hotOnes = out.stream().filter(r -> r.key().equals(Lanes.key(hot))).map(r -> r.value()).toList();
            final var smallOnes = out.stream().filter(r -> r.key().equals(Lanes.key(small))).map(r -> r.value()).toList();
            assertThat(hotOnes).allSatisfy(d -> {
                assertThat(d.getDecision()).isEqualTo(DiagnosisDecision.REPLAY_CANDIDATE);
                assertThat(d.getReasons()).contains("CONCENTRATED_HOT_VOLUME");
                assertThat(d.getEstimatedGainPct()).isGreaterThan(15);
                assertThat(d.getFigures()).containsKeys("managed_monthly_usd", "hit_ratio.dynamo", "concentration.hhi", "incremental_reuse_ratio");
                assertThat(d.getFigures().get("incremental_reuse_ratio")).isGreaterThan(0.5);
                assertThat(d.getThresholds()).containsEntry("hot.min.monthly.spend.usd", 10_000.0);
                assertThat(d.getLevers()).extracting(ManagedLever::getLever).contains("PROMPT_CACHING");
            });
            assertThat(smallOnes).allSatisfy(d -> {
                assertThat(d.getDecision()).isEqualTo(DiagnosisDecision.STAY_MANAGED);
                assertThat(d.getReasons()).containsExactly("LOW_VOLUME");
            });
            final List<ReplayRequest> requests = replays.readValuesToList();
            assertThat(requests).hasSize(1);
            final ReplayRequest request = requests.get(0);
            assertThat(Lanes.key(request.getLane())).isEqualTo(Lanes.key(hot));
            assertThat(request.getFromTime()).isEqualTo(t0);
            assertThat(request.getToTime()).isEqualTo(t0.plus(Duration.ofMinutes(5)));
            assertThat(request.getTrigger()).isEqualTo(ReplayTrigger.DIAGNOSIS);
            assertThat(request.getProfile()).isIn("dynamo", "k8s-portable");
            // and it carries the lane's demand so far, every closed window of it, for the money to be priced from
            final DemandProfile demand = request.getDemand();
            assertThat(demand.getHorizonStart()).isEqualTo(t0);
            assertThat(demand.getHorizonEnd()).isAfterOrEqualTo(request.getToTime());
            final long minutes = Duration.between(demand.getHorizonStart(), demand.getHorizonEnd()).toMinutes();
            assertThat(demand.getHours()).singleElement().satisfies(h -> {
                assertThat(h.getHourOfWeek()).as("Tuesday 12:00 UTC").isEqualTo(36);
                assertThat(h.getRequests()).isEqualTo(300 * minutes);
                assertThat(h.getPeakPromptTokensPerSecond()).isEqualTo(5 * 17 * 64);
            });
            assertThat(request.getAcceptPartialCoverage()).isFalse();
        }
    }
}
