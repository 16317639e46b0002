package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.replay.ReplayJob;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.backend.Runtime;
import dev.zumik.replay.schedule.ReplaySettings;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.replay.worker.VerdictRecords;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topics;
import examples.VerdictConsumer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The downstream consumers of docs/CONSUMERS.md — the Java example, the Python example and
 * {@code zumik verdicts watch} — read a genuine verdict and a tampered one from the verdict topic:
 * each accepts the first and rejects the second.
 */
@ExtendWith(LocalStackExtension.class)
class ConsumersIT {
    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void shouldAcceptTheSignedVerdictAndRejectTheTamperedOneInJavaPythonAndTheCli(final LocalStack stack, @TempDir final Path dir)
            throws Exception {
        // given the verdict topic holding a signed verdict and a copy whose statement was altered
        try (Admin admin = Admin.create(stack.clientProperties())) {
            TopicsCommand.createAll(admin, Topics.create(stack.registryClient()), Optional.empty(), stack.registryClient());
        } catch (final RuntimeException alreadyThere) {
            // another test of this JVM created them
        }
        final Topics topics = Topics.create(stack.registryClient());
        SigningKeys.generate(dir.resolve("keys"));
        final Path pub = dir.resolve("keys/signing.pub");
        final String id = "consumers-" + System.nanoTime();
        final Verdict genuine = verdict(id, dir.resolve("keys/signing.key"));
        final String envelope = genuine.getDsseEnvelope();
        final int at = envelope.indexOf("\"payload\":\"") + 20;
        final String altered = envelope.substring(0, at) + (envelope.charAt(at) == 'A' ? 'B' : 'A') + envelope.substring(at + 1);
        final Verdict tampered = Verdict.newBuilder(genuine).setRequestId(id + "-tampered").setDsseEnvelope(altered).build();
        try (KafkaProducer<String, Verdict> producer = new KafkaProducer<>(stack.clientProperties(), topics.verdicts().keySerde().serializer(),
                topics.verdicts().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.verdicts().name(), genuine.getRequestId(), genuine)).get();
            producer.send(new ProducerRecord<>(topics.verdicts().name(), tampered.getRequestId(), tampered)).get();
        }

        // when the Java example reads them, then
        final List<String> java = VerdictConsumer.read(stack.bootstrapServers(), stack.registryUrl(), pub, Topics.VERDICTS,
                Duration.ofSeconds(8));
        assertThat(java).contains("OK " + id + " INCONCLUSIVE EMPTY_WINDOW gain=null", "BAD " + id + "-tampered INCONCLUSIVE EMPTY_WINDOW gain=null");

        // and zumik verdicts watch
        final ZumikCommandTest.Run watch = ZumikCommandTest.run("verdicts", "watch", "--kafka", stack.bootstrapServers(), "--registry",
                stack.registryUrl(), "--key", pub.toString(), "--run-for", "6s");
        assertThat(watch.exitCode()).as(watch.err()).isZero();
        assertThat(watch.out()).contains(id + "  openai/gpt-4.1/chat  INCONCLUSIVE (EMPTY_WINDOW)", "signature: OK, key",
                "signature: FAILED");

        // and the Python example (Debian's python3-confluent-kafka, python3-avro, python3-cryptography)
        final Process probe = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.avro, avro.schema, cryptography").start();
        Assumptions.assumeTrue(probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "Python consumer skipped: apt-get install python3-confluent-kafka python3-avro python3-cryptography (.ci/run does)");
        final Process python = new ProcessBuilder(PYTHON, "src/test/python/verdict_consumer.py", stack.bootstrapServers(), stack.registryUrl(),
                pub.toString(), Topics.VERDICTS, "10").redirectErrorStream(true).start();
        final String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        assertThat(output).contains("OK " + id + " INCONCLUSIVE EMPTY_WINDOW gain=None", "BAD " + id + "-tampered INCONCLUSIVE");
    }

    /** A real, signed verdict: a replay of an empty window (INCONCLUSIVE without firing anything). */
    private static Verdict verdict(final String id, final Path signingKey) throws InterruptedException {
        final Instant from = Instant.parse("2026-11-20T10:00:00Z");
        final Backend nowhere = new Backend("baseline", URI.create("http://127.0.0.1:9"), Runtime.OPENAI, "gpt-4.1", null);
        final ReplayJob.Result result = ReplayJob.run(new ReplayJob.Inputs(id, "openai/gpt-4.1/chat", from, from.plusSeconds(60), "MANUAL",
                List.of(), false, ByocProfile.shipped("dynamo"), nowhere, nowhere, PriceTable.defaults(), LanePolicies.none().defaults(),
                DecisionSettings.defaults(), ReplaySettings.defaults(), List.of(), null, null, null, null, null), SigningKeys.readPrivate(signingKey), (b, c) -> { });
        final ReplayRequest request = ReplayRequest.newBuilder().setRequestId(id).setLane(Lanes.parse("openai/gpt-4.1/chat")).setFromTime(from)
                .setToTime(from.plusSeconds(60)).setProfile("dynamo").setTrigger(ReplayTrigger.MANUAL).setRequestedAt(from).build();
        return VerdictRecords.of(request, result);
    }
}
