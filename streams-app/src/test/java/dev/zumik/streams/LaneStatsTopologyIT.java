package dev.zumik.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.streams.analyze.AnalysisReport;
import dev.zumik.streams.analyze.Analyzer;
import dev.zumik.streams.topology.LaneStatsTopology;
import dev.zumik.streams.topology.StreamsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The production topology under TopologyTestDriver, with real serdes against the embedded registry. */
@ExtendWith(LocalStackExtension.class)
class LaneStatsTopologyIT {
    private static final Lane LANE = new Lane("mooncake", "trace", "synthetic");
    private static final Lane OTHER = new Lane("openai", "gpt-4o", "chat");

    private static TopologyTestDriver driver(final LocalStack stack, final Path dir, final StreamsSettings settings) {
        return new TopologyTestDriver(LaneStatsTopology.build(settings, Topics.create(stack.registryClient())), settings.streamsProperties());
    }

    private static StreamsSettings settings(final Path dir, final String policies) {
        return StreamsSettings.defaults(Map.of("bootstrap.servers", "unused:9092"), dir.resolve("state"))
                .withPolicies(CachePolicy.parseList(policies)).withSnapshotEvery(500);
    }

    @Test
    void shouldCountLikeTheOfflineAnalyzerOnTheMooncakeTrace(final LocalStack stack, @TempDir final Path dir) throws Exception {
        Assumptions.assumeTrue(MooncakeTrace.present(), "skipped: the shared data is not beside the checkout");
        // given
        final String policies = "infinite,lru:1e6,ttl:60s,managed";
        final List<RequestShape> trace = MooncakeTrace.shapes(LANE);
        final Topics topics = Topics.create(stack.registryClient());
        try (TopologyTestDriver driver = driver(stack, dir, settings(dir, policies))) {
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
    void shouldSendEveryPoisonRecordToTheDeadLetterTopicAndCountEveryValidOne(final LocalStack stack, @TempDir final Path dir) {
        // given
        final Topics topics = Topics.create(stack.registryClient());
        final String lane = Lanes.key(OTHER);
        final Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
        try (TopologyTestDriver driver = driver(stack, dir, settings(dir, "infinite"))) {
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
}
