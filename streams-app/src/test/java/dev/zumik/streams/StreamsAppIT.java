package dev.zumik.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.localstack.ConsumerGroups;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.RecentTime;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.streams.analyze.AnalysisReport;
import dev.zumik.streams.analyze.Analyzer;
import dev.zumik.streams.topology.StreamsSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The streams app on the embedded broker under exactly_once_v2, stopped mid-stream and restarted on an empty state directory. */
@ExtendWith(LocalStackExtension.class)
class StreamsAppIT {
    private static final Lane LANE = new Lane("mooncake", "trace", "synthetic");
    private static final String POLICIES = "infinite,lru:1e6,ttl:60s,managed";

    @Test
    void shouldGiveTheOfflineAnswerAfterARestartThatRestoresStateFromTheChangelogs(final LocalStack stack, @TempDir final Path dir)
            throws Exception {
        // given isolated topics and the trace in two halves
        final Topics topics = Topics.create(stack.registryClient(), 3, "it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = Admin.create(stack.clientProperties())) {
            admin.createTopics(topics.all().stream().map(t -> t.newTopic(Optional.empty())).toList()).all().get();
        }
        final List<RequestShape> trace = MooncakeTrace.shapes(LANE);
        final int half = trace.size() / 2;
        final StreamsSettings settings = StreamsSettings.defaults(stack.clientProperties(), dir.resolve("first"))
                .withApplicationId("zumik-it-" + UUID.randomUUID()).withPolicies(CachePolicy.parseList(POLICIES)).withSnapshotEvery(300);

        // when the first half is processed, the app stops, and a new instance on an empty state directory takes the rest
        stack.produceShapes(topics.shapes(), trace.subList(0, half));
        try (StreamsApp first = StreamsApp.start(settings, topics)) {
            assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
            awaitCaughtUp(stack, settings.applicationId(), topics.shapes().name());
        }
        final List<RequestShape> rest = new ArrayList<>(trace.subList(half, trace.size()));
        final Instant later = trace.get(trace.size() - 1).getArrivalTime().plus(Duration.ofHours(1));
        rest.add(MooncakeTrace.shape(LANE, later, 10, 1, List.of(1L), 512));
        stack.produceShapes(topics.shapes(), rest);
        final int apiPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            apiPort = socket.getLocalPort();
        }
        final JsonNode lanes;
        final JsonNode windows;
        final JsonNode concentration;
        try (StreamsApp second = StreamsApp.start(settings.withStateDir(dir.resolve("second")), topics, "127.0.0.1", apiPort)) {
            assertThat(second.awaitRunning(Duration.ofSeconds(60))).isTrue();
            awaitCaughtUp(stack, settings.applicationId(), topics.shapes().name());
            // and the query API answers from the restored state
            await().atMost(Duration.ofSeconds(30)).until(() -> get(apiPort, "/lanes").size() > 0);
            lanes = get(apiPort, "/lanes");
            windows = get(apiPort, "/lanes/" + URLEncoder.encode(Lanes.key(LANE), StandardCharsets.UTF_8)
                    + "/stats?from=" + MooncakeTrace.START + "&to=" + MooncakeTrace.START.plus(Duration.ofMinutes(5)));
            concentration = get(apiPort, "/concentration");
            // and, for operators, this instance's health and metrics
            final var health = fetch(apiPort, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"state\":\"RUNNING\"");
            final var metrics = fetch(apiPort, "/metrics");
            assertThat(metrics.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(metrics.body()).containsPattern("(?m)^kafka_stream_thread_process_total\\{.*\\} [1-9]")
                    .contains("kafka_stream_thread_process_rate", "kafka_consumer_fetch_manager_records_lag_max", "jvm_memory_used_bytes");
        }
        assertThat(lanes.get(0).path("lane").asText()).isEqualTo(Lanes.key(LANE));
        assertThat(lanes.get(0).path("decision").asText()).isIn("STAY_MANAGED", "USE_MANAGED_LEVERS", "REPLAY_CANDIDATE");
        assertThat(lanes.get(0).path("figures").path("hit_ratio.infinite").asDouble()).isPositive();
        assertThat(windows).hasSize(5);
        assertThat(windows.get(0).path("requests").asLong()).isPositive();
        assertThat(concentration.path("top1_share").asDouble()).isEqualTo(1.0);

        // then the committed lane statistics are exactly what analyze computes offline, once per window
        final List<LaneWindowStats> stats = stack.readCommitted(topics.laneStats());
        final Analyzer offline = new Analyzer(CachePolicy.parseList(POLICIES));
        trace.forEach(offline::accept);
        final AnalysisReport.LaneReport expected = offline.report().lanes().get(0);
        assertThat(stats).hasSize(18);
        assertThat(stats.stream().map(s -> s.getWindowStart().toEpochMilli()).distinct().count()).isEqualTo(18);
        assertThat(stats.stream().mapToLong(LaneWindowStats::getRequests).sum()).isEqualTo(trace.size());
        final Map<String, Long> hits = new HashMap<>();
        stats.forEach(s -> s.getSimulatedHitTokens().forEach((policy, tokens) -> hits.merge(policy, tokens, Long::sum)));
        for (final AnalysisReport.PolicyReport policy : expected.policies()) {
            assertThat(hits.get(policy.policy())).as(policy.policy()).isEqualTo(policy.hitTokens());
        }
    }

    @Test
    void shouldStopWithOneReasonWhenItsStateWasWrittenByAnOlderBuild(final LocalStack stack, @TempDir final Path dir) throws Exception {
        // given an app that ran over a few shapes, then a snapshot record in the older form on its changelog
        final Topics topics = Topics.create(stack.registryClient(), 1, "it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = Admin.create(stack.clientProperties())) {
            admin.createTopics(topics.all().stream().map(t -> t.newTopic(Optional.empty())).toList()).all().get();
        }
        final Instant at = RecentTime.yesterdayMidnight();
        stack.produceShapes(topics.shapes(), List.of(MooncakeTrace.shape(LANE, at, 1000, 10, List.of(1L, 2L), 512)));
        final StreamsSettings settings = StreamsSettings.defaults(stack.clientProperties(), dir.resolve("first"))
                .withApplicationId("zumik-it-" + UUID.randomUUID()).withPolicies(CachePolicy.parseList("infinite"));
        try (StreamsApp first = StreamsApp.start(settings, topics)) {
            assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
            awaitCaughtUp(stack, settings.applicationId(), topics.shapes().name());
        }
        final Map<String, Object> props = new HashMap<>(stack.clientProperties());
        try (var producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(settings.applicationId() + "-lane-snapshots-changelog", 0,
                    "10:openai/x/y#meta", new byte[12])).get();
        }

        // when a new instance restores that state
        final int apiPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            apiPort = socket.getLocalPort();
        }
        try (StreamsApp second = StreamsApp.start(settings.withStateDir(dir.resolve("second")), topics, "127.0.0.1", apiPort)) {
            // then it stops itself, with the reason, instead of replacing its stream thread over and over
            final String reason = second.fatal().get(90, TimeUnit.SECONDS);
            assertThat(reason).contains("lane openai/x/y").contains("reset the streams application");
            await().atMost(Duration.ofSeconds(30)).until(() -> List.of("ERROR", "NOT_RUNNING", "PENDING_ERROR").contains(second.state()));
            // and its health check says so
            final var health = fetch(apiPort, "/healthz");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"DOWN\"");
        }
    }

    private static HttpResponse<String> fetch(final int port, final String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(final int port, final String path) throws Exception {
        final var response = fetch(port, path);
        final var json = new ObjectMapper().readTree(response.body());
        return response.statusCode() == 200 ? json : new ObjectMapper().createArrayNode();
    }

    /** Waits until the application's committed offsets reach the end of every partition of {@code topic}. */
    private static void awaitCaughtUp(final LocalStack stack, final String group, final String topic) {
        try (Admin admin = Admin.create(stack.clientProperties())) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> ConsumerGroups.caughtUp(admin, group, topic));
        }
    }

}
