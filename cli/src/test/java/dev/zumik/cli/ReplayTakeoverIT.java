package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.localstack.RecentTime;
import dev.zumik.replay.sign.SignedVerdict;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.Profiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay worker process killed hard (SIGKILL) in the middle of a replay: another worker of the group
 * takes the request over, and exactly one verdict exists for its request id.
 */
@ExtendWith(LocalStackExtension.class)
class ReplayTakeoverIT {
    private static final Lane LANE = Lane.newBuilder().setProvider("openai").setModel("gpt-4.1").setRoute("chat").build();
    private static final Pattern REQUESTS = Pattern.compile("zumik_sim_requests_total\\{[^}]*status=\"200\"[^}]*} ([0-9.]+)");

    @Test
    void shouldPublishExactlyOneVerdictWhenAWorkerIsKilledMidReplay(final LocalStack stack, @TempDir final Path dir) throws Exception {
        // given isolated topics with a 20 s window of shapes, two simulators, and a key
        final PrefixedTopics created = PrefixedTopics.create(stack, "takeover", 3);
        final String prefix = created.prefix();
        final Topics topics = created.topics();
        final Instant start = RecentTime.yesterdayMidnight();
        stack.produceShapes(topics.shapes(), shapes(start, 200, 10));
        SigningKeys.generate(dir.resolve("keys"));
        final Path config = dir.resolve("zumik.properties");
        // a short session, so that the group notices the killed member in seconds
        Files.writeString(config, "kafka.bootstrap.servers=" + stack.bootstrapServers() + "\nregistry.schema.registry.url=" + stack.registryUrl()
                + "\nkafka.session.timeout.ms=6000\nkafka.heartbeat.interval.ms=1000\n");
        try (SimServer managed = SimServer.start(Profiles.load("managed-openai", Optional.empty()), "127.0.0.1", 0);
             SimServer dynamo = SimServer.start(Profiles.load("dynamo", Optional.empty()), "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER)) {
            final List<String> worker = List.of("replay-worker", "--config", config.toString(), "--topic-prefix", prefix,
                    "--group", "takeover-workers", "--signing-key", dir.resolve("keys/signing.key").toString(),
                    "--baseline", "openai=http://127.0.0.1:" + managed.port() + "/v1", "--candidate", "http://127.0.0.1:" + dynamo.port(),
                    "--repetitions", "1");
            final Process first = ChildProcess.zumik(dir.resolve("first.log"), with(worker, "--out", dir.resolve("first").toString()));
            final ReplayRequest request = ReplayRequest.newBuilder().setRequestId("takeover-" + UUID.randomUUID()).setLane(LANE)
                    .setFromTime(start).setToTime(start.plusSeconds(20)).setProfile("dynamo").setTrigger(ReplayTrigger.MANUAL)
                    .setTimeScale(1).setRequestedAt(Instant.now()).build();
            try (KafkaProducer<String, ReplayRequest> producer = new KafkaProducer<>(stack.clientProperties(),
                    topics.replayRequests().keySerde().serializer(), topics.replayRequests().valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topics.replayRequests().name(), request.getRequestId(), request)).get();
            }

            // when the first worker is killed once its replay is under way, and a second one starts
            await().atMost(Duration.ofSeconds(90)).until(() -> answered(managed) >= 20);
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            final Process second = ChildProcess.zumik(dir.resolve("second.log"), with(worker, "--out", dir.resolve("second").toString()));
            try {
                // then exactly one verdict, from the second worker, that verifies
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
                        .until(() -> !stack.readCommitted(topics.verdicts()).isEmpty());
                Thread.sleep(5000);
                final List<Verdict> verdicts = stack.readCommitted(topics.verdicts());
                assertThat(verdicts).hasSize(1);
                assertThat(verdicts.get(0).getRequestId()).isEqualTo(request.getRequestId());
                assertThat(SignedVerdict.verify(verdicts.get(0).getDsseEnvelope().getBytes(StandardCharsets.UTF_8),
                        SigningKeys.readPublic(dir.resolve("keys/signing.pub")), Optional.empty()).decision()).isNotBlank();
                assertThat(dir.resolve("first").resolve(request.getRequestId())).doesNotExist();
                assertThat(dir.resolve("second").resolve(request.getRequestId()).resolve("verdict.dsse.json")).exists();
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> with(final List<String> args, final String... more) {
        final List<String> out = new ArrayList<>(args);
        out.addAll(List.of(more));
        return out;
    }

    /** Successful requests the simulator has answered so far. */
    private static double answered(final SimServer sim) {
        double total = 0;
        final Matcher m = REQUESTS.matcher(sim.scrape());
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static List<RequestShape> shapes(final Instant start, final int count, final int perSecond) {
        final List<RequestShape> shapes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final List<Long> hashes = new ArrayList<>();
            for (int b = 0; b < 20; b++) {
                hashes.add(b < 16 ? 1_000L + b : 1_000_000L * (i + 1) + b);
            }
            shapes.add(RequestShape.newBuilder().setEventId("takeover-" + i).setTenant("t").setLane(LANE)
                    .setArrivalTime(start.plusMillis(i * 1000L / perSecond)).setPromptTokens(1280).setCompletionTokens(16).setBlockSize(64)
                    .setTokenizer("o200k_base").setHashedTokens(1280).setBlockHashes(hashes).setHashKeyId("k").setHttpStatus(200)
                    .setStream(true).setSource(ShapeSource.IMPORT).build());
        }
        return shapes;
    }
}
