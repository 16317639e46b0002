package dev.zumik.replay.worker;

import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.schemas.avro.PurgeEvidence;
import dev.zumik.schemas.config.Readers;
import dev.zumik.schemas.topics.Topic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deletion drills on the purge topic ({@code zumik purge --runtime} publishes them), as a verdict reads
 * them: every drill record of the profile, its envelope opened with the verdict key, the latest of the
 * candidate's. The record's own {@code confirmed} field is not trusted; the signed statement is. An envelope
 * that does not verify (another key, tampered) is logged and not counted.
 */
public final class DrillRecords {
    private static final Logger LOG = LoggerFactory.getLogger(DrillRecords.class);
    private static final Duration READ_LIMIT = Duration.ofMinutes(1);

    private DrillRecords() { }

    public static Optional<DrillEvidence> latest(final Map<String, Object> kafka, final Topic<String, PurgeEvidence> topic, final PublicKey key,
                                                 final String profile, final URI candidate) {
        final Properties props = Readers.committed(kafka);
        final List<DrillEvidence> drills = new ArrayList<>();
        try (KafkaConsumer<String, PurgeEvidence> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            final long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.name() + " to its end within " + READ_LIMIT.toSeconds() + " s");
                }
                for (final ConsumerRecord<String, PurgeEvidence> record : consumer.poll(Duration.ofMillis(200))) {
                    final PurgeEvidence e = record.value();
                    if (e == null || !"runtime-drill".equals(e.getKind()) || !profile.equals(e.getCandidate())) {
                        continue;
                    }
                    final String source = topic.name() + "@" + record.partition() + ":" + record.offset();
                    try {
                        drills.add(DrillEvidence.open(e.getDsseEnvelope().getBytes(StandardCharsets.UTF_8), key, source));
                    } catch (final Dsse.VerificationException bad) {
                        LOG.warn("deletion drill evidence at {} does not verify with the verdict key, not counted: {}", source, bad.getMessage());
                    }
                }
            }
        }
        return DrillEvidence.latest(drills, profile, candidate);
    }
}
