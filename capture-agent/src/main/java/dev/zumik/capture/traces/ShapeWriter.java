package dev.zumik.capture.traces;

import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.config.Readers;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes imported shapes reliably (unlike the proxy, an import waits for Kafka): one transaction for the
 * whole import (acks=all, idempotent), so readers (read_committed, as the streams app, export and replays
 * read) see all of it or none: a failed import can simply be run again, without duplicates. Record
 * timestamp = arrival time, key = lane. A shape the broker would refuse is refused here, before the
 * transaction can fail on it: arrival more than {@link #MAX_AHEAD} ahead of now or before 1970, or a
 * record over the producer's size limit ({@link IllegalArgumentException}: the import skips its line).
 */
public final class ShapeWriter implements AutoCloseable {
    /** How far ahead of the broker's clock a timestamp may be (Kafka 4's log.message.timestamp.after.max.ms default). */
    public static final Duration MAX_AHEAD = Duration.ofHours(1);
    /** Room for the record's headers and batch overhead under max.request.size. */
    private static final int RECORD_OVERHEAD = 1024;

    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<RequestShape> serializer;
    private final String topic;
    private final int maxValueBytes;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    /** The last offset written to each partition, to see the commit become visible. */
    private final Map<Integer, Long> lastOffsets = new ConcurrentHashMap<>();
    private final Map<String, Object> kafkaProperties;
    private long written;
    private boolean committed;

    public ShapeWriter(final Map<String, Object> kafkaProperties, final Topic<String, RequestShape> shapes) {
        this.kafkaProperties = Map.copyOf(kafkaProperties);
        final Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        props.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "zumik-import-" + UUID.randomUUID());
        props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
        this.maxValueBytes = Integer.parseInt(String.valueOf(props.getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576)))
                - RECORD_OVERHEAD;
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.serializer = shapes.valueSerde().serializer();
        this.topic = shapes.name();
        producer.initTransactions();
        producer.beginTransaction();
    }

    public void write(final RequestShape shape) {
        final Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("writing shapes to " + topic + " failed: " + failed.getMessage(), failed);
        }
        final long at = shape.getArrivalTime().toEpochMilli();
        if (at < 0 || at > System.currentTimeMillis() + MAX_AHEAD.toMillis()) {
            throw new IllegalArgumentException("arrival " + shape.getArrivalTime() + " is " + (at < 0 ? "before 1970" : "more than "
                    + MAX_AHEAD.toMinutes() + " min ahead of now") + ": the broker refuses such a timestamp");
        }
        final byte[] value = serializer.serialize(topic, shape);
        if (value.length > maxValueBytes) {
            throw new IllegalArgumentException("the shape is " + value.length + " bytes, over the " + maxValueBytes
                    + " a record may have (max.request.size)");
        }
        producer.send(new ProducerRecord<>(topic, null, at, Lanes.key(shape.getLane()), value), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                lastOffsets.merge(metadata.partition(), metadata.offset(), Math::max);
            }
        });
        written++;
    }

    public long written() {
        return written;
    }

    /** Makes every shape written visible at once; throws (having aborted: none is visible) if any write failed. */
    public void commit() {
        producer.flush();
        final Exception failed = failure.get();
        if (failed != null) {
            producer.abortTransaction();
            throw new IllegalStateException("writing shapes to " + topic + " failed (nothing was imported): " + failed.getMessage(), failed);
        }
        producer.commitTransaction();
        committed = true;
        awaitVisible(Duration.ofSeconds(30));
    }

    /**
     * Waits until read_committed readers see the whole import (the commit's markers are written a moment after
     * the commit returns), so that an export or a replay right after finds every shape.
     */
    private void awaitVisible(final Duration timeout) {
        final Properties props = Readers.committed(kafkaProperties);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = lastOffsets.keySet().stream()
                    .map(p -> new TopicPartition(topic, p)).toList();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
                if (partitions.stream().allMatch(p -> ends.getOrDefault(p, 0L) > lastOffsets.get(p.partition()))) {
                    return;
                }
                Thread.sleep(50);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final RuntimeException e) {
            // visibility is a courtesy to the next reader: the import itself is committed
        }
    }

    /** Aborts the transaction unless {@link #commit()} ended it: nothing of an import that did not finish is visible. */
    @Override
    public void close() {
        try {
            if (!committed) {
                producer.abortTransaction();
            }
        } catch (final RuntimeException ignored) {
            // the producer is failing anyway: its transaction times out uncommitted
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
