package dev.zumik.streams.topology;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The input partition of a task being restored, read again: where the application's committed
 * offsets resume it, and its records from some offset up to there. The lane state's snapshots say
 * which offset each covers; the shapes after it are read back from here rather than kept in a journal
 * of their own. Reads as the task's own consumer does (read_committed under exactly-once), with the
 * application's client settings (security included).
 */
final class InputPartition implements AutoCloseable {
    /** How long a read may go without a record before the restore gives up. */
    private static final Duration STALL = Duration.ofSeconds(60);

    /** Takes one record read back. */
    interface Records {
        void accept(long offset, byte[] key, byte[] value);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final String applicationId;

    private InputPartition(final KafkaConsumer<byte[], byte[]> consumer, final TopicPartition partition, final String applicationId) {
        this.consumer = consumer;
        this.partition = partition;
        this.applicationId = applicationId;
    }

    /** A reader of {@code topic}'s {@code partition} with the client settings of the application {@code appConfigs} configure. */
    static InputPartition open(final Map<String, Object> appConfigs, final String topic, final int partition) {
        final StreamsConfig streams = new StreamsConfig(appConfigs);
        final String applicationId = streams.getString(StreamsConfig.APPLICATION_ID_CONFIG);
        // the restore consumer's settings: the application's client and security settings, read_committed under exactly-once
        final Map<String, Object> config = new HashMap<>(streams.getRestoreConsumerConfigs(applicationId + "-lane-restore-" + partition));
        // the group only to read its committed offsets: this consumer never joins it
        config.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        return new InputPartition(new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
                new TopicPartition(topic, partition), applicationId);
    }

    /**
     * The offset the task resumes from: the application's committed offset for the partition (with
     * read_committed, only once no transaction that may commit it is pending).
     */
    long resumeOffset() {
        final OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
        if (committed == null) {
            throw new IncompatibleStateException("the lane state of " + partition + " has snapshots but application " + applicationId
                    + " has no committed offset there to continue from; reset the streams application"
                    + " (kafka-streams-application-reset, or a new application id) to rebuild it from the shapes");
        }
        return committed.offset();
    }

    /** Hands every record from offset {@code from} up to {@code to} (exclusive) to {@code records}, in order. */
    void read(final long from, final long to, final Records records) {
        consumer.assign(Set.of(partition));
        final long start = consumer.beginningOffsets(Set.of(partition)).get(partition);
        if (start > from) {
            throw new IncompatibleStateException("the lane state of " + partition + " needs its shapes from offset " + from
                    + ", but the topic's retention has deleted them (it now starts at " + start + "); raise the topic's retention.ms, and reset"
                    + " the streams application (kafka-streams-application-reset, or a new application id) to rebuild it from the shapes");
        }
        consumer.seek(partition, from);
        long lastProgress = System.nanoTime();
        while (consumer.position(partition) < to) {
            final var batch = consumer.poll(Duration.ofMillis(200)).records(partition);
            if (!batch.isEmpty()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                throw new IllegalStateException("reading " + partition + " back from offset " + from + " to " + to + " made no progress for "
                        + STALL.toSeconds() + " s, at " + consumer.position(partition));
            }
            for (final ConsumerRecord<byte[], byte[]> record : batch) {
                if (record.offset() >= to) {
                    return;
                }
                records.accept(record.offset(), record.key(), record.value());
            }
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
