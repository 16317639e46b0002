package dev.zumik.capture;

import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the shapes a test published, from the beginning of its topic. */
final class TopicShapes {
    private TopicShapes() { }

    /** Polls until {@code expected} shapes arrived or 20 s passed; returns what arrived. */
    static List<RequestShape> read(final String bootstrap, final SchemaRegistryClient registry, final String topic, final int expected) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final List<RequestShape> out = new ArrayList<>();
        try (KafkaConsumer<String, RequestShape> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registry, RequestShape.class))) {
            consumer.subscribe(Set.of(topic));
            final long deadline = System.currentTimeMillis() + 20_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<String, RequestShape> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
