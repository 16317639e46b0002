package dev.zumik.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.serde.ConfluentAvroSerializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our serde and registry against Confluent's own Python client (librdkafka + the legacy
 * confluent_kafka.avro serializer): it decodes what we wrote, and we decode what it wrote through
 * our registry. Skipped, with the reason, where Debian's python3-confluent-kafka or python3-avro is missing.
 */
@ExtendWith(LocalStackExtension.class)
class PythonInteropIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path SCRIPT = Path.of("src/test/python/confluent_interop.py");
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void requirePythonClient() throws Exception {
        final Process probe = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.avro, avro.schema")
                .redirectErrorStream(true).start();
        final boolean done = probe.waitFor(30, TimeUnit.SECONDS);
        Assumptions.assumeTrue(done && probe.exitValue() == 0,
                "skipped: " + PYTHON + " lacks confluent_kafka.avro/avro (apt-get install python3-confluent-kafka python3-avro)");
    }

    @Test
    void shouldLetConfluentsPythonClientDecodeOurRecords(final LocalStack stack) throws Exception {
        // given
        final String topic = createTopic(stack, "py-decode");
        final List<RequestShape> sent = List.of(SampleShapes.shape(3), SampleShapes.shape(4), SampleShapes.shape(7));
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, RequestShape> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ConfluentAvroSerializer<>(stack.registryClient(), false))) {
            for (final RequestShape shape : sent) {
                producer.send(new ProducerRecord<>(topic, shape.getEventId(), shape)).get();
            }
        }

        // when
        final List<String> lines = python("decode", stack.bootstrapServers(), stack.registryUrl(), topic, "3");

        // then
        assertThat(lines).hasSize(3);
        for (int i = 0; i < sent.size(); i++) {
            final RequestShape expected = sent.get(i);
            final JsonNode decoded = JSON.readTree(lines.get(i));
            assertThat(decoded.path("eventId").asText()).isEqualTo(expected.getEventId());
            assertThat(decoded.path("lane").path("model").asText()).isEqualTo(expected.getLane().getModel());
            assertThat(decoded.path("promptTokens").asInt()).isEqualTo(expected.getPromptTokens());
            assertThat(decoded.path("cachedTokens").isNull()).isEqualTo(expected.getCachedTokens() == null);
            assertThat(decoded.path("source").asText()).isEqualTo(expected.getSource().name());
            final List<Long> hashes = new ArrayList<>();
            decoded.path("blockHashes").forEach(h -> hashes.add(h.asLong()));
            assertThat(hashes).isEqualTo(expected.getBlockHashes());
        }
    }

    @Test
    void shouldReadRecordsThatConfluentsPythonClientWroteThroughOurRegistry(final LocalStack stack,
                                                                            @TempDir final Path dir) throws Exception {
        // given: the schema as a self-contained file, as a Python user would have it
        final String topic = createTopic(stack, "py-produce");
        final Path schema = dir.resolve("RequestShape.avsc");
        Files.writeString(schema, RequestShape.getClassSchema().toString(true), StandardCharsets.UTF_8);

        // when
        python("produce", stack.bootstrapServers(), stack.registryUrl(), topic, schema.toString(), "4");

        // then
        final List<RequestShape> read = new ArrayList<>();
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, RequestShape> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ConfluentAvroDeserializer<>(stack.registryClient(), RequestShape.class))) {
            consumer.subscribe(Set.of(topic));
            final long deadline = System.currentTimeMillis() + 30_000;
            while (read.size() < 4 && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<String, RequestShape> record : consumer.poll(Duration.ofMillis(300))) {
                    read.add(record.value());
                }
            }
        }
        assertThat(read).hasSize(4);
        assertThat(read.get(0).getEventId()).isEqualTo("py-0");
        assertThat(read.get(0).getCachedTokens()).isEqualTo(128);
        assertThat(read.get(1).getCachedTokens()).isNull();
        assertThat(read.get(2).getBlockHashes()).containsExactly(-1L, 1L << 62, 2L);
        assertThat(read.get(3).getSource()).isEqualTo(ShapeSource.SDK);
        assertThat(read.get(3).getArrivalTime().toEpochMilli()).isEqualTo(1_700_000_000_003L);
        assertThat(stack.registryClient().subjects()).contains(topic + "-value");
    }

    private static String createTopic(final LocalStack stack, final String prefix) throws Exception {
        final String topic = LocalStack.uniqueTopic(prefix);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all().get();
        }
        return topic;
    }

    private static List<String> python(final String... args) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).start();
        final byte[] out = process.getInputStream().readAllBytes();
        final byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("python %s failed: %s", args[0], new String(err, StandardCharsets.UTF_8)).isZero();
        return new String(out, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }
}
