package dev.zumik.capture.traces;

import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.serde.ConfluentAvroSerializer;
import dev.zumik.schemas.topics.Lanes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes imported shapes reliably (unlike the proxy, an import waits for Kafka): idempotent,
 * acks=all, record timestamp = arrival time, key = lane. {@link #close()} fails if any write failed.
 */
public final class ShapeWriter implements AutoCloseable {
    private final KafkaProducer<String, RequestShape> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private long written;

    public ShapeWriter(final Map<String, Object> kafkaProperties, final SchemaRegistryClient registry, final String topic) {
        final Map<String, Object> props = new HashMap<>(kafkaProperties);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ConfluentAvroSerializer<>(registry, false));
        this.topic = topic;
    }

    public void write(final RequestShape shape) {
        final Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("writing shapes to " + topic + " failed: " + failed.getMessage(), failed);
        }
        producer.send(new ProducerRecord<>(topic, null, shape.getArrivalTime().toEpochMilli(), Lanes.key(shape.getLane()), shape),
                (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
        written++;
    }

    public long written() {
        return written;
    }

    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(30));
        final Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("writing shapes to " + topic + " failed: " + failed.getMessage(), failed);
        }
    }
}
