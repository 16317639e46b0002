package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.localstack.ConsumerGroups;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.RecentTime;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.streams.analyze.AnalysisReport;
import dev.zumik.streams.analyze.Analyzer;
import dev.zumik.streams.topology.DiagnosisSettings;
import dev.zumik.streams.topology.StreamsSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers (replication 3, min ISR 2) and two streams-app processes under exactly_once_v2: one
 * process is killed with SIGKILL mid-run and a broker is bounced; the committed lane statistics still
 * equal an offline recount of the same input exactly.
 */
class ClusterFailoverIT {
    private static final Path MOONCAKE = Path.of("../data/mooncake_synthetic_trace.jsonl");
    private static final Instant START = RecentTime.yesterdayMidnight();
    private static final List<String> LANES = List.of("mooncake/trace/a", "mooncake/trace/b");

    @Test
    void shouldCountExactlyAsOfflineDespiteAKilledInstanceAndABouncedBroker(@TempDir final Path dir) throws Exception {
        try (LocalStack stack = LocalStack.start(dir.resolve("kafka"), 0, 0, 3)) {
            // given the Mooncake trace on two lanes, split in halves, and two streams processes
            final Topics topics = Topics.create(stack.registryClient());
            try (Admin admin = Admin.create(stack.clientProperties())) {
                TopicsCommand.createAll(admin, topics, Optional.empty(), stack.registryClient());
            }
            final List<RequestShape> first = new ArrayList<>();
            final List<RequestShape> second = new ArrayList<>();
            for (final String lane : LANES) {
                final List<RequestShape> trace = new ArrayList<>();
                TraceFiles.read(MOONCAKE, "mooncake", lane, 64, START, new PrintWriter(new StringWriter()), trace::add);
                first.addAll(trace.subList(0, trace.size() / 2));
                second.addAll(trace.subList(trace.size() / 2, trace.size()));
            }
            final Path config = dir.resolve("zumik.properties");
            Files.writeString(config, "kafka.bootstrap.servers=" + stack.bootstrapServers() + "\nregistry.schema.registry.url="
                    + stack.registryUrl() + "\nkafka.session.timeout.ms=6000\nkafka.heartbeat.interval.ms=1000\n");
            final String app = "failover-" + UUID.randomUUID().toString().substring(0, 8);
            final List<Process> instances = new ArrayList<>();
            try {
                for (final String name : List.of("a", "b")) {
                    instances.add(ChildProcess.zumik(dir.resolve(name + ".log"), List.of("streams", "--config", config.toString(),
                            "--application-id", app, "--state-dir", dir.resolve("state-" + name).toString(), "--api", "off")));
                }
                stack.produceShapes(topics.shapes(), first);
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1)).until(() -> caughtUp(stack, app, topics));

                // both instances own tasks (state directories named <subtopology>_<partition>), so the one killed held state
                for (final String name : List.of("a", "b")) {
                    try (var files = Files.walk(dir.resolve("state-" + name))) {
                        assertThat(files.anyMatch(p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d+_\\d+")))
                                .as("instance " + name + " owns tasks").isTrue();
                    }
                }

                // when one instance is killed hard, a broker is bounced, and the rest of the input arrives
                instances.get(0).destroyForcibly();
                instances.get(0).waitFor(30, TimeUnit.SECONDS);
                stack.kafka().stopNode(2);
                stack.produceShapes(topics.shapes(), second.subList(0, second.size() / 2));
                stack.kafka().startNode(2);
                stack.produceShapes(topics.shapes(), second.subList(second.size() / 2, second.size()));
                final List<RequestShape> markers = new ArrayList<>();
                for (final String lane : LANES) {
                    // a shape an hour later on each lane closes the last windows
                    markers.add(RequestShape.newBuilder(first.get(LANES.indexOf(lane) * (first.size() / 2))).setEventId("marker-" + lane)
                            .setArrivalTime(START.plus(Duration.ofHours(1))).build());
                }
                stack.produceShapes(topics.shapes(), markers);
                await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).until(() -> caughtUp(stack, app, topics));
                Thread.sleep(3000);
            } finally {
                for (final Process p : instances) {
                    p.destroy();
                    p.waitFor(60, TimeUnit.SECONDS);
                }
            }

            // then the instance left took the killed one's tasks over and read their shapes back from the input
            assertThat(Files.readString(dir.resolve("b.log"))).containsPattern("lanes of .*zumik\\.shapes\\.v1-\\d+ restored: [1-9]\\d*, \\d+ of them "
                    + "from snapshots; offsets \\d+ to \\d+ read back in \\d+ ms \\([1-9]\\d* shapes observed again\\)");
            // then every lane's committed window statistics equal the offline recount, once per window
            final List<LaneWindowStats> stats = stack.readCommitted(topics.laneStats()).stream()
                    .filter(s -> s.getWindowStart().isBefore(START.plus(Duration.ofHours(1)))).toList();
            final Analyzer offline = new Analyzer(StreamsSettings.policiesFor(DiagnosisSettings.defaults()));
            first.forEach(offline::accept);
            second.forEach(offline::accept);
            final AnalysisReport report = offline.report();
            assertThat(report.lanes()).hasSize(2);
            for (final AnalysisReport.LaneReport lane : report.lanes()) {
                final List<LaneWindowStats> ofLane = stats.stream().filter(s -> Lanes.key(s.getLane()).equals(lane.lane())).toList();
                assertThat(ofLane).as(lane.lane()).hasSize(18);
                assertThat(ofLane.stream().map(LaneWindowStats::getWindowStart).distinct().count()).isEqualTo(18);
                assertThat(ofLane.stream().mapToLong(LaneWindowStats::getRequests).sum()).isEqualTo(lane.requests());
                final Map<String, Long> hits = new HashMap<>();
                ofLane.forEach(s -> s.getSimulatedHitTokens().forEach((policy, tokens) -> hits.merge(policy, tokens, Long::sum)));
                for (final AnalysisReport.PolicyReport policy : lane.policies()) {
                    assertThat(hits.get(policy.policy())).as(lane.lane() + " " + policy.policy()).isEqualTo(policy.hitTokens());
                }
            }
        }
    }

    private static boolean caughtUp(final LocalStack stack, final String app, final Topics topics) throws Exception {
        try (Admin admin = Admin.create(stack.clientProperties())) {
            return ConsumerGroups.caughtUp(admin, app, topics.shapes().name());
        }
    }

}
