package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.core.decision.LanePolicies;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.RecentTime;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.replay.report.ReportFiles;
import dev.zumik.replay.schedule.ReplaySettings;
import dev.zumik.replay.sign.SignedVerdict;
import dev.zumik.replay.worker.Backends;
import dev.zumik.replay.worker.KafkaWindows;
import dev.zumik.replay.worker.ReplayWorker;
import dev.zumik.replay.worker.WorkerSettings;
import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.DemandHour;
import dev.zumik.schemas.avro.DemandProfile;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.avro.VerdictDecision;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.sim.profile.SimProfile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The replay worker on the embedded broker, replaying windows of the shape topic against two simulators. */
@ExtendWith(LocalStackExtension.class)
class ReplayWorkerIT {
    private static final Lane LANE = Workloads.lane("openai", "gpt-4.1");
    private static final Instant START = RecentTime.yesterdayMidnight();

    @Test
    void shouldAnswerEachRequestWithExactlyOneVerifiableVerdictAndDeadLetterMalformedOnes(final LocalStack stack, @TempDir final Path dir)
            throws Exception {
        // given isolated topics holding a busy lane's window, and two simulators
        final Topics topics = Topics.create(stack.registryClient(), 3, "it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = Admin.create(stack.clientProperties())) {
            admin.createTopics(topics.all().stream().map(t -> t.newTopic(Optional.empty())).toList()).all().get();
        }
        final List<RequestShape> shapes = Workloads.sharedPrefix(LANE, START, 100, 10, 2048, 512, 30, 7);
        stack.produceShapes(topics.shapes(), shapes);
        final KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (SimServer managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
             SimServer dynamo = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER)) {
            final Backends backends = new Backends(Map.of("openai", URI.create("http://127.0.0.1:" + managed.port() + "/v1")),
                    Map.of("openai", "sk-test"), Optional.of(URI.create("http://127.0.0.1:" + dynamo.port())));
            final WorkerSettings settings = WorkerSettings.defaults(stack.clientProperties(), topics, backends, keys.getPrivate(), dir)
                    .withGroupId("workers-" + UUID.randomUUID()).withPolicies(new LanePolicies(ReplayJobIT.SLO, List.of()))
                    .withLateness(Duration.ofSeconds(30));

            // when a request, the same request again, and a malformed one are published
            final ReplayRequest request = ReplayRequest.newBuilder().setRequestId("replay-" + UUID.randomUUID()).setLane(LANE)
                    .setFromTime(START).setToTime(START.plusSeconds(10)).setProfile("dynamo").setTrigger(ReplayTrigger.MANUAL)
                    .setReasons(List.of("CONCENTRATED_HOT_VOLUME")).setTimeScale(1).setRequestedAt(Instant.now())
                    .setDemand(avro(ReplayJobIT.week(shapes, START, START.plusSeconds(10), h -> true))).build();
            try (ReplayWorker worker = ReplayWorker.start(settings)) {
                publish(stack, topics.replayRequests(), request);
                publishRaw(stack, topics.replayRequests().name(), "garbage", new byte[] {0, 0, 0, 0, 42, 1, 2, 3});
                publish(stack, topics.replayRequests(), request);
                await().atMost(Duration.ofSeconds(120)).until(() -> stack.readCommitted(topics.deadLetters()).size() == 1
                        && stack.readCommitted(topics.verdicts()).size() == 1);
                Thread.sleep(3000);
                assertThat(worker.state()).isIn("IDLE", "REPLAYING");
            }

            // then exactly one verdict, MOVE, that verifies against the shape topic
            final List<Verdict> verdicts = stack.readCommitted(topics.verdicts());
            assertThat(verdicts).hasSize(1);
            final Verdict verdict = verdicts.get(0);
            assertThat(verdict.getRequestId()).isEqualTo(request.getRequestId());
            assertThat(verdict.getDecision()).as(verdict.getReasons().toString()).isEqualTo(VerdictDecision.MOVE);
            assertThat(verdict.getCostGainCiLowPct()).isPositive();
            assertThat(verdict.getByocReasons()).singleElement().satisfies(t -> {
                assertThat(t.getReason()).isEqualTo("CONCENTRATED_HOT_VOLUME");
                assertThat(t.getSource()).isEqualTo("declared");
                assertThat(t.getHolds()).isTrue();
            });
            assertThat(verdict.getThresholds()).containsEntry("material.gain.pct", 15.0);
            assertThat(verdict.getModelTo()).isEqualTo("meta-llama/Llama-3.3-70B-Instruct");
            assertThat(verdict.getQualityEvaluated()).isFalse();
            assertThat(verdict.getFigures()).containsKeys("baseline.ttftP99Ms", "candidate.capture", "candidate.monthlyUsd");
            final SignedVerdict.Verified verified = SignedVerdict.verify(verdict.getDsseEnvelope().getBytes(), keys.getPublic(),
                    Optional.of(KafkaWindows.source(stack.clientProperties(), topics, Duration.ofSeconds(30))));
            assertThat(verified.windowSha256()).isEqualTo(verdict.getWindowSha256());
            final Path out = dir.resolve(request.getRequestId());
            assertThat(Files.readString(out.resolve(ReportFiles.ENVELOPE))).isEqualTo(verdict.getDsseEnvelope());
            assertThat(Files.readString(out.resolve(ReportFiles.HTML_REPORT))).contains("<svg").contains("MOVE").doesNotContain("<script")
                    .contains("Demand priced").contains(ReplayJob.Demand.STREAMS).contains("(a full week)");
            assertThat(verdict.getReasons()).doesNotContain("PARTIAL_COVERAGE_ACCEPTED");
            // and the malformed request is in the dead-letter topic with its reason
            final DeadLetter letter = stack.readCommitted(topics.deadLetters()).get(0);
            assertThat(letter.getStage()).isEqualTo("replay-worker");
            assertThat(letter.getReason()).isNotBlank();
        }
    }

    @Test
    void shouldKeepConsumingAndAnswerEveryRequestWhileTheCandidateFails(final LocalStack stack, @TempDir final Path dir) throws Exception {
        // given a candidate that rate-limits, errors and drops streams, and two requests for two windows
        final Topics topics = Topics.create(stack.registryClient(), 3, "it-" + UUID.randomUUID().toString().substring(0, 8) + ".");
        try (Admin admin = Admin.create(stack.clientProperties())) {
            admin.createTopics(topics.all().stream().map(t -> t.newTopic(Optional.empty())).toList()).all().get();
        }
        stack.produceShapes(topics.shapes(), Workloads.sharedPrefix(LANE, START, 60, 10, 1024, 256, 10, 8));
        final SimProfile p = Profiles.load("dynamo", Optional.empty());
        final SimProfile faulty = p.withFaults(new SimProfile.Faults(
                Map.of(429, 0.15, 500, 0.15), 0, 0, 0.1, 0, 0)).withSeed(11);
        final KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        try (SimServer managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
             // one replica: its fault draws follow the arrival sequence, so both windows meet the faults; in a fleet the router's
             // timing decides which replica (and so which draws) each request gets (the verdicts add CAPACITY_MISMATCH, also INCONCLUSIVE)
             SimServer flaky = SimServer.start(faulty, "127.0.0.1", 0)) {
            final Backends backends = new Backends(Map.of("openai", URI.create("http://127.0.0.1:" + managed.port() + "/v1")),
                    Map.of("openai", "sk-test"), Optional.of(URI.create("http://127.0.0.1:" + flaky.port())));
            final WorkerSettings settings = WorkerSettings.defaults(stack.clientProperties(), topics, backends, keys.getPrivate(), dir)
                    .withGroupId("workers-" + UUID.randomUUID()).withPolicies(new LanePolicies(ReplayJobIT.SLO, List.of()))
                    .withReplay(ReplaySettings.defaults().withTimeScale(2)).withLateness(Duration.ofSeconds(30));
            final List<String> ids = new ArrayList<>();
            try (ReplayWorker worker = ReplayWorker.start(settings)) {
                for (int w = 0; w < 2; w++) {
                    final ReplayRequest request = ReplayRequest.newBuilder().setRequestId("faulty-" + w + "-" + UUID.randomUUID()).setLane(LANE)
                            .setFromTime(START.plusSeconds(3L * w)).setToTime(START.plusSeconds(3L * w + 3)).setProfile("dynamo")
                            .setTrigger(ReplayTrigger.MANUAL).setTimeScale(2).setRequestedAt(Instant.now()).build();
                    ids.add(request.getRequestId());
                    publish(stack, topics.replayRequests(), request);
                }
                // when both have been replayed
                await().atMost(Duration.ofSeconds(120)).until(() -> stack.readCommitted(topics.verdicts()).size() == 2);
                assertThat(worker.state()).isIn("IDLE", "REPLAYING");
            }
            // then each has its verdict, which reports the failures and decides nothing
            final List<Verdict> verdicts = stack.readCommitted(topics.verdicts());
            assertThat(verdicts).extracting(Verdict::getRequestId).containsExactlyInAnyOrderElementsOf(ids);
            for (final Verdict verdict : verdicts) {
                assertThat(verdict.getDecision()).as(verdict.getReasons() + " " + verdict.getFigures()).isEqualTo(VerdictDecision.INCONCLUSIVE);
                assertThat(verdict.getReasons()).contains("CANDIDATE_ERRORS");
                assertThat(verdict.getFigures().get("candidate.errorRate")).isGreaterThan(0.05);
                assertThat(verdict.getFigures().get("baseline.errorRate")).isZero();
            }
        }
    }

    private static void publish(final LocalStack stack, final Topic<String, ReplayRequest> topic, final ReplayRequest request)
            throws Exception {
        try (KafkaProducer<String, ReplayRequest> producer = new KafkaProducer<>(stack.clientProperties(), topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), request.getRequestId(), request)).get();
        }
    }

    private static void publishRaw(final LocalStack stack, final String topic, final String key, final byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(stack.clientProperties(), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }


    /** A demand profile as the streams app puts it in a replay request. */
    static DemandProfile avro(final dev.zumik.core.cost.DemandProfile p) {
        return new DemandProfile(Instant.ofEpochMilli(p.horizonStartMillis()), Instant.ofEpochMilli(p.horizonEndMillis()),
                p.slots().entrySet().stream().map(e -> new DemandHour(e.getKey(), e.getValue().requests(),
                        e.getValue().promptTokens(), e.getValue().cachedTokens(), e.getValue().cacheWriteTokens(),
                        e.getValue().cacheReportingRequests(), e.getValue().outputTokens(), e.getValue().batchRequests(),
                        e.getValue().peakPromptPerSecond(), e.getValue().peakOutputPerSecond())).toList());
    }
}
