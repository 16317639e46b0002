package dev.zumik.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.localstack.junit.Brokers;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.localstack.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class EmbeddedKafkaIT {

    @Test
    void shouldKeepRecordsAcrossARestartOnTheSameDataDirectory(@TempDir final Path dir) throws Exception {
        // given
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start(Duration.ofSeconds(60))) {
            createTopic(kafka.bootstrapServers(), "kept", 1, (short) 1);
            produce(kafka.bootstrapServers(), "kept", List.of("a", "b", "c"));

            // and: a second cluster on the live directory is refused before it writes to the live metadata log
            final Map<Path, FileTime> before = modified(dir);
            assertThatThrownBy(() -> EmbeddedKafka.builder().dataDir(dir).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by another Kafka of Zumik's (pid " + ProcessHandle.current().pid() + ")");
            assertThat(modified(dir)).isEqualTo(before);
        }

        // when: a new broker on the same directory, on other ports
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start(Duration.ofSeconds(60))) {
            // then
            assertThat(consumeAll(kafka.bootstrapServers(), "kept", 3)).containsExactly("a", "b", "c");
        }
    }

    @Test
    void shouldKeepServingWhenOneOfThreeBrokersIsLost(@Brokers(3) final LocalStack cluster) throws Exception {
        // given: replication 3, min ISR 2 (the cluster's defaults)
        final EmbeddedKafka kafka = cluster.kafka();
        final String topic = LocalStack.uniqueTopic("replicated");
        createTopic(kafka.bootstrapServers(), topic, 2, (short) 3);
        produce(kafka.bootstrapServers(), topic, List.of("before"));

        // when
        kafka.stopNode(2);
        produce(kafka.bootstrapServers(), topic, List.of("during"));
        kafka.startNode(2);

        // then
        assertThat(consumeAll(kafka.bootstrapServers(), topic, 2)).containsExactlyInAnyOrder("before", "during");
        assertThat(kafka.size()).isEqualTo(3);
    }

    /** Every file under the KRaft metadata log directory with its modification time. */
    private static Map<Path, FileTime> modified(final Path dir) throws IOException {
        try (var files = Files.walk(dir.resolve("kraft").resolve("__cluster_metadata-0"))) {
            final Map<Path, FileTime> times = new TreeMap<>();
            for (final Path file : files.toList()) {
                times.put(file, Files.getLastModifiedTime(file));
            }
            return times;
        }
    }

    static void createTopic(final String bootstrap, final String name, final int partitions, final short replication)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.of(replication)))).all().get();
        }
    }

    static void produce(final String bootstrap, final String topic, final List<String> values) throws Exception {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (final String value : values) {
                producer.send(new ProducerRecord<>(topic, value)).get();
            }
        }
    }

    static List<String> consumeAll(final String bootstrap, final String topic, final int expected) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        final List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            final long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    out.add(record.value());
                }
            }
        }
        return out;
    }
}
