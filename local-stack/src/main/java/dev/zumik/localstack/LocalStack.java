package dev.zumik.localstack;

import dev.zumik.localstack.kafka.EmbeddedKafka;
import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.config.Readers;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The embedded default in one object: a real KRaft Kafka (one node, or several for replication tests)
 * and the Confluent-compatible schema registry stored in it. Used by {@code zumik dev}, the demo and
 * every integration test.
 */
public final class LocalStack implements AutoCloseable {
    private static final AtomicInteger TOPIC_SEQUENCE = new AtomicInteger();

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;
    private final SchemaRegistryClient registryClient;

    private LocalStack(final EmbeddedKafka kafka, final EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
        this.registryClient = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
    }

    /**
     * Starts broker(s) and registry.
     *
     * @param dataDir      where Kafka keeps its data across restarts; null for a temporary directory
     * @param kafkaPort    client port of the first broker, 0 for a free one
     * @param registryPort registry HTTP port, 0 for a free one
     * @param brokers      number of KRaft nodes (3 gives replication factor 3, min ISR 2)
     */
    public static LocalStack start(final Path dataDir, final int kafkaPort, final int registryPort, final int brokers) {
        final EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).port(kafkaPort).brokers(brokers).build()
                .start(Duration.ofSeconds(90));
        try {
            return new LocalStack(kafka, EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), registryPort));
        } catch (final RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    /** One broker, free ports, temporary data. */
    public static LocalStack startEphemeral() {
        return start(null, 0, 0, 1);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public SchemaRegistryClient registryClient() {
        return registryClient;
    }

    /** Client settings any Kafka client with Zumik's serdes needs: bootstrap servers and registry URL. */
    public Map<String, Object> clientProperties() {
        final Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers());
        props.put(RegistrySettings.URL, registryUrl());
        return props;
    }

    /**
     * Writes shapes as the capture agent and import do: keyed by lane, stamped with their arrival time,
     * so that window reads by time find them. For tests and benchmarks.
     */
    public void produceShapes(final Topic<String, RequestShape> topic, final Iterable<RequestShape> shapes) {
        try (KafkaProducer<String, RequestShape> producer = new KafkaProducer<>(clientProperties(), topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            // a topic created a moment ago may not have its leaders yet: producing then races the election
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (producer.partitionsFor(topic.name()).stream().anyMatch(p -> p.leader() == null || p.leader().isEmpty())
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            final List<Future<?>> sent = new ArrayList<>();
            for (final RequestShape shape : shapes) {
                sent.add(producer.send(new ProducerRecord<>(topic.name(), null, shape.getArrivalTime().toEpochMilli(),
                        Lanes.key(shape.getLane()), shape)));
            }
            producer.flush();
            for (final Future<?> f : sent) {
                f.get(60, TimeUnit.SECONDS); // a shape that did not land fails the caller, not a later assertion
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing shapes", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("producing shapes to " + topic.name() + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Every committed value of a topic, from its beginning, in a fresh consumer group: polls until two
     * seconds pass with nothing new (at most 30 s). For tests, the demo and benchmarks.
     */
    public <V> List<V> readCommitted(final Topic<?, V> topic) {
        return readCommitted(clientProperties(), topic);
    }

    /** As {@link #readCommitted(Topic)}, with any cluster's client properties (a secured one, say). */
    public static <V> List<V> readCommitted(final Map<String, Object> client, final Topic<?, V> topic) {
        final Properties props = Readers.committedGroup(client, "zumik-reader-" + UUID.randomUUID());
        final List<V> out = new ArrayList<>();
        try (KafkaConsumer<?, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int quiet = 0;
            while (System.nanoTime() < deadline && quiet < 8) {
                final var records = consumer.poll(Duration.ofMillis(250));
                quiet = records.isEmpty() ? quiet + 1 : 0;
                records.forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }

    /** A topic name no other test in this JVM uses. */
    public static String uniqueTopic(final String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + TOPIC_SEQUENCE.incrementAndGet();
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            kafka.close();
        }
    }
}
