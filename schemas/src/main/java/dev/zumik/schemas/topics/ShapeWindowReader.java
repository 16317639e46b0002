package dev.zumik.schemas.topics;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.config.Readers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one lane's shapes with arrival in {@code [from, to)} from the shape topic, by record
 * timestamp (capture and import set it to the arrival time). A proxy appends a shape when its
 * response ends, so timestamps in a partition run out of order by up to the longest request: each
 * partition is sought to its first offset at or after {@code from} and read until a record stamped at
 * or after {@code to + lateness} (nothing earlier can follow it) or its end, keeping the records inside
 * the window. Records of other lanes are skipped. Used by export and by replays.
 */
public final class ShapeWindowReader {
    /** The window's shapes in arrival order, and whether any partition had already lost data before {@code from}. */
    public record Window(List<RequestShape> shapes, boolean truncatedByRetention) { }

    private ShapeWindowReader() { }

    /** How long after its arrival a shape may be appended: longer than any request takes. */
    public static final Duration DEFAULT_LATENESS = Duration.ofMinutes(15);

    public static Window read(final Map<String, Object> kafkaProperties, final String topic,
                              final Deserializer<RequestShape> deserializer, final Lane lane,
                              final Instant from, final Instant to) {
        return read(kafkaProperties, topic, deserializer, lane, from, to, DEFAULT_LATENESS);
    }

    public static Window read(final Map<String, Object> kafkaProperties, final String topic,
                              final Deserializer<RequestShape> deserializer, final Lane lane,
                              final Instant from, final Instant to, final Duration lateness) {
        final Properties props = Readers.committed(kafkaProperties);
        final String laneKey = Lanes.key(lane);
        final List<RequestShape> shapes = new ArrayList<>();
        boolean truncated = false;
        try (KafkaConsumer<String, RequestShape> consumer = new KafkaConsumer<>(props, new StringDeserializer(), deserializer)) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            final Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, from.toEpochMilli()));
            final Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            final Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions, Duration.ofSeconds(30));
            final List<TopicPartition> open = new ArrayList<>();
            for (final TopicPartition p : partitions) {
                final OffsetAndTimestamp start = starts.get(p);
                if (start == null) {
                    continue;
                }
                if (start.offset() == beginnings.get(p) && beginnings.get(p) > 0 && start.timestamp() > from.toEpochMilli()) {
                    // the first record left is already after `from`: earlier ones may have been deleted
                    truncated = true;
                }
                consumer.seek(p, start.offset());
                open.add(p);
            }
            consumer.pause(partitions);
            consumer.resume(open);
            final long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, RequestShape> record : consumer.poll(Duration.ofMillis(200))) {
                    final TopicPartition p = new TopicPartition(record.topic(), record.partition());
                    if (record.timestamp() >= to.toEpochMilli() + lateness.toMillis()) {
                        open.remove(p);
                        consumer.pause(List.of(p));
                        continue;
                    }
                    final boolean inWindow = record.timestamp() >= from.toEpochMilli() && record.timestamp() < to.toEpochMilli();
                    if (inWindow && open.contains(p) && laneKey.equals(record.key()) && record.value() != null) {
                        shapes.add(record.value());
                    }
                }
                open.removeIf(p -> {
                    final boolean done = consumer.position(p) >= ends.get(p);
                    if (done) {
                        consumer.pause(List.of(p));
                    }
                    return done;
                });
            }
        }
        shapes.sort(Comparator.comparing(RequestShape::getArrivalTime));
        return new Window(shapes, truncated);
    }
}
