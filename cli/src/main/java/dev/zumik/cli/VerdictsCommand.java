package dev.zumik.cli;

import dev.zumik.replay.report.VerdictSummary;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.SignedVerdict;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.config.Readers;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zumik verdicts watch}: follows the verdict topic, checking each verdict's signature. */
@Command(name = "verdicts", description = "Read published verdicts: verdicts watch [--key PUB].", subcommands = VerdictsCommand.Watch.class)
final class VerdictsCommand {

    @Command(name = "watch", description = {
            "Follow " + Topics.VERDICTS + " and print each verdict as it is published (committed transactions only), with its "
                + "signature checked against --key: decision, reasons, cost gain with its interval, TTFT p99 and capture on both sides.",
            "%nReads from the beginning unless --new-only; commits no offsets."})
    static final class Watch implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConnectionOptions connection;
        @Mixin ForegroundOptions foreground;

        @Option(names = "--key", paramLabel = "PUB", description = "The signers' public key (signing.pub); without it signatures are not checked.")
        Path key;

        @Option(names = "--new-only", description = "Only verdicts published from now on.")
        boolean newOnly;

        @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prefix of every Zumik topic name.")
        String topicPrefix;

        @Override
        public Integer call() {
            final PublicKey publicKey;
            try {
                publicKey = key == null ? null : SigningKeys.readPublic(Values.readableFile("--key", key));
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage(e.getMessage());
            }
            final ClientSettings settings = connection.settings();
            final Topic<String, Verdict> topic = Topics.create(new SchemaRegistryClient(settings.registrySettings()),
                    Topics.DEFAULT_SHAPE_PARTITIONS, topicPrefix).verdicts();
            TopicsCommand.requireTopic(settings, topic.name());
            final Properties props = Readers.committed(settings.kafkaProperties());
            final PrintWriter out = spec.commandLine().getOut();
            final AtomicBoolean running = new AtomicBoolean(true);
            try (KafkaConsumer<String, Verdict> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                    topic.valueSerde().deserializer())) {
                final List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                if (newOnly) {
                    consumer.seekToEnd(partitions);
                } else {
                    consumer.seekToBeginning(partitions);
                }
                out.println("Watching " + topic.name() + (publicKey == null ? " (signatures not checked: no --key)"
                        : " (signatures checked with key " + SigningKeys.keyId(publicKey) + ")"));
                out.flush();
                final Thread stopper = new Thread(() -> Running.untilStopped(foreground.runFor, new PrintWriter(Writer.nullWriter()), () -> {
                    running.set(false);
                    consumer.wakeup();
                }), "verdicts-watch-stop");
                stopper.setDaemon(true);
                stopper.start();
                while (running.get()) {
                    for (final ConsumerRecord<String, Verdict> record : consumer.poll(Duration.ofMillis(500))) {
                        out.println(describe(record.value(), publicKey));
                        out.flush();
                    }
                }
            } catch (final WakeupException stopped) {
                // Ctrl-C or --run-for
            }
            return 0;
        }

        /** One verdict: its header line, signature check, and summary. */
        static String describe(final Verdict verdict, final PublicKey key) {
            final StringBuilder s = new StringBuilder();
            s.append(verdict.getDecidedAt()).append("  ").append(verdict.getRequestId()).append("  ").append(Lanes.key(verdict.getLane()))
                    .append("  ").append(verdict.getDecision()).append(" (").append(String.join(", ", verdict.getReasons())).append(")\n");
            if (key == null) {
                s.append("  signature: not checked (no --key)");
                return s.toString();
            }
            try {
                final SignedVerdict.Verified verified = SignedVerdict.verify(verdict.getDsseEnvelope().getBytes(StandardCharsets.UTF_8), key,
                        Optional.empty());
                if (!verified.windowSha256().equals(verdict.getWindowSha256()) || !verified.decision().equals(verdict.getDecision().name())) {
                    return s.append("  signature: FAILED: the record's fields differ from the signed statement").toString();
                }
                s.append("  signature: OK, key ").append(verified.keyId()).append("; window ").append(verified.windowName()).append('\n');
                s.append(VerdictSummary.text(verified.predicate()).indent(2).stripTrailing());
            } catch (final Dsse.VerificationException e) {
                s.append("  signature: FAILED: ").append(e.getMessage());
            }
            return s.toString();
        }
    }
}
