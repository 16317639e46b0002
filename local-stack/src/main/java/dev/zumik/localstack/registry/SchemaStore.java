package dev.zumik.localstack.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.zumik.schemas.config.Readers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state, kept as a log in a compacted single-partition Kafka topic ({@code _schemas})
 * with Confluent's key and value layout, and replayed into memory at start so ids survive restarts.
 * Every write catches up with the log first, then appends and applies; writes are serialized.
 */
final class SchemaStore implements AutoCloseable {
    static final String DEFAULT_TOPIC = "_schemas";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GLOBAL = "__GLOBAL";

    /** One version of one subject. */
    record Version(String subject, int version, int id, boolean deleted) { }

    private final String topic;
    private final TopicPartition partition;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;

    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsByCanonical = new HashMap<>();
    private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, Compatibility> configs = new HashMap<>();
    private int maxId;

    SchemaStore(final String bootstrapServers, final String topic, final Map<String, Object> clientOverrides) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        ensureTopic(bootstrapServers, topic, clientOverrides);
        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producerProps.putAll(clientOverrides);
        this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        final Map<String, Object> consumerClient = new HashMap<>(clientOverrides);
        consumerClient.putIfAbsent(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        final Properties consumerProps = Readers.committed(consumerClient);
        this.consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        synchronized (this) {
            catchUp();
        }
        LOG.info("Schema store loaded from {}: {} schemas, {} subjects", topic, schemasById.size(), subjects.size());
    }

    private static void ensureTopic(final String bootstrap, final String topic, final Map<String, Object> overrides) {
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.putAll(overrides);
        try (Admin admin = Admin.create(props)) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create the registry topic " + topic + ": " + e.getCause(), e);
            }
        } catch (final Exception e) {
            throw new IllegalStateException("Cannot create the registry topic " + topic + ": " + e, e);
        }
    }

    /** Reads the log up to its current end and applies every record. */
    private void catchUp() {
        final long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        while (consumer.position(partition, Duration.ofSeconds(30)) < end) {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                apply(record.key(), record.value());
            }
        }
    }

    private void apply(final byte[] keyBytes, final byte[] valueBytes) {
        try {
            final JsonNode key = JSON.readTree(keyBytes);
            final String keyType = key.path("keytype").asText();
            if ("SCHEMA".equals(keyType)) {
                final String subject = key.path("subject").asText();
                final int version = key.path("version").asInt();
                if (valueBytes == null) {
                    final TreeMap<Integer, Version> versions = subjects.get(subject);
                    if (versions != null) {
                        versions.remove(version);
                    }
                    return;
                }
                final JsonNode value = JSON.readTree(valueBytes);
                final int id = value.path("id").asInt();
                final String schema = value.path("schema").asText();
                schemasById.put(id, schema);
                idsByCanonical.putIfAbsent(schema, id);
                maxId = Math.max(maxId, id);
                subjects.computeIfAbsent(subject, s -> new TreeMap<>())
                        .put(version, new Version(subject, version, id, value.path("deleted").asBoolean(false)));
            } else if ("CONFIG".equals(keyType)) {
                final String subject = key.path("subject").isNull() || key.path("subject").isMissingNode()
                        ? GLOBAL : key.path("subject").asText();
                if (valueBytes == null) {
                    configs.remove(subject);
                } else {
                    configs.put(subject, Compatibility.parse(JSON.readTree(valueBytes).path("compatibilityLevel").asText()));
                }
            }
        } catch (final IOException | RuntimeException e) {
            LOG.warn("Skipping unreadable record in {}: {}", topic, e.toString());
        }
    }

    private void append(final ObjectNode key, final ObjectNode value) {
        final byte[] keyBytes = key.toString().getBytes(StandardCharsets.UTF_8);
        final byte[] valueBytes = value == null ? null : value.toString().getBytes(StandardCharsets.UTF_8);
        try {
            producer.send(new ProducerRecord<>(topic, 0, keyBytes, valueBytes)).get(30, TimeUnit.SECONDS);
        } catch (final Exception e) {
            throw new RegistryError(500, 50001, "Error while storing the schema in Kafka: " + e);
        }
        apply(keyBytes, valueBytes);
    }

    /** Registers a schema under a subject; the same schema twice gives the same id and version. */
    synchronized int register(final String subject, final String schemaText) {
        catchUp();
        final Schema schema = parse(schemaText);
        final String canonical = schema.toString();
        final TreeMap<Integer, Version> versions = subjects.getOrDefault(subject, new TreeMap<>());
        for (final Version v : versions.values()) {
            if (!v.deleted() && schemasById.get(v.id()).equals(canonical)) {
                return v.id();
            }
        }
        final List<String> problems = compatibility(subject).problems(schema, liveSchemas(subject));
        if (!problems.isEmpty()) {
            throw RegistryError.incompatible(subject, String.join(", ", problems));
        }
        final int id = idsByCanonical.getOrDefault(canonical, maxId + 1);
        final int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        append(schemaKey(subject, version), JSON.createObjectNode().put("subject", subject).put("version", version)
                .put("id", id).put("schema", canonical).put("deleted", false));
        return id;
    }

    /** Problems that registering {@code schemaText} under {@code subject} would hit; empty if compatible. */
    synchronized List<String> compatibilityProblems(final String subject, final String schemaText, final String version) {
        final Schema schema = parse(schemaText);
        if ("latest".equals(version)) {
            return compatibility(subject).problems(schema, liveSchemas(subject));
        }
        final Version v = version(subject, version);
        return compatibility(subject).problems(schema, List.of(new Schema.Parser().parse(schemasById.get(v.id()))));
    }

    synchronized Optional<Version> lookup(final String subject, final String schemaText) {
        if (!hasLiveVersions(subject)) {
            throw RegistryError.subjectNotFound(subject);
        }
        final String canonical = parse(schemaText).toString();
        return subjects.get(subject).values().stream()
                .filter(v -> !v.deleted() && schemasById.get(v.id()).equals(canonical))
                .findFirst();
    }

    synchronized Optional<String> schemaById(final int id) {
        if (!schemasById.containsKey(id)) {
            catchUp();
        }
        return Optional.ofNullable(schemasById.get(id));
    }

    synchronized String schemaText(final Version version) {
        return schemasById.get(version.id());
    }

    synchronized List<String> subjects() {
        return subjects.keySet().stream().filter(this::hasLiveVersions).toList();
    }

    synchronized List<Integer> versions(final String subject) {
        if (!hasLiveVersions(subject)) {
            throw RegistryError.subjectNotFound(subject);
        }
        return subjects.get(subject).values().stream().filter(v -> !v.deleted()).map(Version::version).toList();
    }

    /** A version by number, {@code latest} or {@code -1}. */
    synchronized Version version(final String subject, final String version) {
        if (!hasLiveVersions(subject)) {
            throw RegistryError.subjectNotFound(subject);
        }
        final List<Version> live = subjects.get(subject).values().stream().filter(v -> !v.deleted()).toList();
        if ("latest".equals(version) || "-1".equals(version)) {
            return live.get(live.size() - 1);
        }
        final int number;
        try {
            number = Integer.parseInt(version);
        } catch (final NumberFormatException e) {
            throw RegistryError.invalidVersion(version);
        }
        if (number < 1) {
            throw RegistryError.invalidVersion(version);
        }
        return live.stream().filter(v -> v.version() == number).findFirst()
                .orElseThrow(() -> RegistryError.versionNotFound(subject, version));
    }

    /** Soft-deletes every version of a subject; ids stay resolvable, as with Confluent's registry. */
    synchronized List<Integer> deleteSubject(final String subject) {
        catchUp();
        final List<Integer> deleted = new ArrayList<>();
        for (final Version v : List.copyOf(subjects.getOrDefault(subject, new TreeMap<>()).values())) {
            if (!v.deleted()) {
                append(schemaKey(subject, v.version()), JSON.createObjectNode().put("subject", subject)
                        .put("version", v.version()).put("id", v.id()).put("schema", schemasById.get(v.id()))
                        .put("deleted", true));
                deleted.add(v.version());
            }
        }
        if (deleted.isEmpty()) {
            throw RegistryError.subjectNotFound(subject);
        }
        return deleted;
    }

    synchronized Compatibility compatibility(final String subject) {
        return configs.getOrDefault(subject, configs.getOrDefault(GLOBAL, Compatibility.BACKWARD));
    }

    synchronized Compatibility globalCompatibility() {
        return configs.getOrDefault(GLOBAL, Compatibility.BACKWARD);
    }

    synchronized Optional<Compatibility> subjectCompatibility(final String subject) {
        return Optional.ofNullable(configs.get(subject));
    }

    synchronized void setCompatibility(final Optional<String> subject, final Compatibility level) {
        catchUp();
        final ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG");
        if (subject.isPresent()) {
            key.put("subject", subject.get());
        } else {
            key.putNull("subject");
        }
        key.put("magic", 0);
        append(key, JSON.createObjectNode().put("compatibilityLevel", level.name()));
    }

    private boolean hasLiveVersions(final String subject) {
        final TreeMap<Integer, Version> versions = subjects.get(subject);
        return versions != null && versions.values().stream().anyMatch(v -> !v.deleted());
    }

    private List<Schema> liveSchemas(final String subject) {
        final List<Schema> out = new ArrayList<>();
        for (final Version v : subjects.getOrDefault(subject, new TreeMap<>()).values()) {
            if (!v.deleted()) {
                out.add(new Schema.Parser().parse(schemasById.get(v.id())));
            }
        }
        return out;
    }

    private static ObjectNode schemaKey(final String subject, final int version) {
        return JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
    }

    /**
     * Parses and validates a schema. Its canonical form, used to deduplicate, is Avro's own rendering
     * of the parsed schema: whitespace and attribute order vanish, logical types and defaults stay.
     */
    static Schema parse(final String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryError.invalidSchema("empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (final SchemaParseException | AvroTypeException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close();
    }
}
