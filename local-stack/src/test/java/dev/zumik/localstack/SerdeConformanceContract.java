package dev.zumik.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.registry.SchemaRegistryException;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.serde.ConfluentAvroSerializer;
import dev.zumik.schemas.serde.WireFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * What Zumik's serde must do against any Kafka and any Confluent-API registry. Run against the
 * embedded stack ({@link EmbeddedSerdeConformanceIT}) and, where Docker exists, against Apache
 * Kafka and Confluent's own Schema Registry ({@link ConfluentConformanceIT}).
 */
abstract class SerdeConformanceContract {
    static final String V1 = """
            {"type":"record","name":"Evolving","namespace":"dev.zumik.test","fields":[
              {"name":"a","type":"string"}]}""";
    static final String V2_WITH_DEFAULT = """
            {"type":"record","name":"Evolving","namespace":"dev.zumik.test","fields":[
              {"name":"a","type":"string"},{"name":"b","type":"int","default":0}]}""";
    static final String V2_WITHOUT_DEFAULT = """
            {"type":"record","name":"Evolving","namespace":"dev.zumik.test","fields":[
              {"name":"a","type":"string"},{"name":"c","type":"long"}]}""";

    abstract String bootstrapServers();

    abstract String registryUrl();

    SchemaRegistryClient registryClient() {
        return new SchemaRegistryClient(RegistrySettings.of(registryUrl()));
    }

    @Test
    void shouldRoundTripShapesThroughBrokerAndRegistry() throws Exception {
        // given
        final String topic = LocalStack.uniqueTopic("conformance-roundtrip");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty()))).all().get();
        }
        final List<RequestShape> sent = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            sent.add(SampleShapes.shape(i));
        }

        // when
        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (KafkaProducer<String, RequestShape> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ConfluentAvroSerializer<>(registryClient(), false))) {
            for (final RequestShape shape : sent) {
                producer.send(new ProducerRecord<>(topic, shape.getTenant(), shape));
            }
            producer.flush();
        }
        final List<RequestShape> received = new ArrayList<>();
        final Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, RequestShape> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registryClient(), RequestShape.class))) {
            consumer.subscribe(Set.of(topic));
            final long deadline = System.currentTimeMillis() + 60_000;
            while (received.size() < sent.size() && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<String, RequestShape> record : consumer.poll(Duration.ofMillis(300))) {
                    received.add(record.value());
                }
            }
        }

        // then
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void shouldRejectAnIncompatibleChangeWith409AndTheRegistrysReason() {
        // given
        final SchemaRegistryClient client = registryClient();
        final String subject = LocalStack.uniqueTopic("evolving") + "-value";
        client.register(subject, new Schema.Parser().parse(V1));

        // when / then: a field with a default is a BACKWARD-compatible addition
        client.register(subject, new Schema.Parser().parse(V2_WITH_DEFAULT));
        assertThat(client.latest(subject).version()).isEqualTo(2);

        // a new field without a default is not
        assertThatThrownBy(() -> client.register(subject, new Schema.Parser().parse(V2_WITHOUT_DEFAULT)))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("incompatible");
                });
        assertThat(client.isCompatible(subject, new Schema.Parser().parse(V2_WITHOUT_DEFAULT))).isFalse();

        // unless the subject's rule says NONE
        client.setCompatibility(Optional.of(subject), "NONE");
        client.register(subject, new Schema.Parser().parse(V2_WITHOUT_DEFAULT));
        assertThat(client.latest(subject).version()).isEqualTo(3);
    }

    @Test
    void shouldNameEachKindOfCorruptBytes() {
        // given
        final String topic = LocalStack.uniqueTopic("corrupt");
        final ConfluentAvroSerializer<RequestShape> serializer = new ConfluentAvroSerializer<>(registryClient(), false);
        final ConfluentAvroDeserializer<RequestShape> deserializer = new ConfluentAvroDeserializer<>(registryClient(), RequestShape.class);
        final byte[] good = serializer.serialize(topic, SampleShapes.shape(1));
        assertThat(deserializer.deserialize(topic, good)).isEqualTo(SampleShapes.shape(1));

        // when / then
        final byte[] unknownId = good.clone();
        unknownId[1] = 0x7f;
        assertThatThrownBy(() -> deserializer.deserialize(topic, unknownId))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Unknown schema id " + WireFormat.schemaId(unknownId));

        final byte[] truncated = Arrays.copyOf(good, good.length / 2);
        assertThatThrownBy(() -> deserializer.deserialize(topic, truncated))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Truncated or corrupt Avro payload");

        final byte[] trailing = Arrays.copyOf(good, good.length + 3);
        assertThatThrownBy(() -> deserializer.deserialize(topic, trailing))
                .isInstanceOf(SerializationException.class).hasMessageContaining("bytes left over");

        final byte[] badMagic = good.clone();
        badMagic[0] = 1;
        assertThatThrownBy(() -> deserializer.deserialize(topic, badMagic))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Unknown magic byte 0x01");
    }

    @Test
    void shouldReadOldRecordsWithTheNewSchemaAndGenericRecordsByClassName() {
        // given: a record written with V1 through a serializer configured by properties
        final String topic = LocalStack.uniqueTopic("evolve");
        final ConfluentAvroSerializer<GenericRecord> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(Map.of(RegistrySettings.URL, registryUrl()), false);
        final GenericRecord v1 = new GenericData.Record(new Schema.Parser().parse(V1));
        v1.put("a", "hello");
        final byte[] bytes = serializer.serialize(topic, v1);

        // when: a generic reader (as a Kafka consumer configured by class name would be)
        final ConfluentAvroDeserializer<GenericRecord> deserializer = new ConfluentAvroDeserializer<>();
        deserializer.configure(Map.of(RegistrySettings.URL, registryUrl()), false);
        final GenericRecord read = deserializer.deserialize(topic, bytes);

        // then
        assertThat(read.get("a").toString()).isEqualTo("hello");
        assertThat(registryClient().latest(topic + "-value").schema()).isEqualTo(v1.getSchema());
    }

    @Test
    void shouldRefuseToSerializeAnUnregisteredSchemaWhenAutoRegisterIsOff() {
        // given
        final ConfluentAvroSerializer<GenericRecord> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(Map.of(RegistrySettings.URL, registryUrl(), RegistrySettings.AUTO_REGISTER, "false"), false);
        final GenericRecord v1 = new GenericData.Record(new Schema.Parser().parse(V1));
        v1.put("a", "x");

        // when / then
        assertThatThrownBy(() -> serializer.serialize(LocalStack.uniqueTopic("noauto"), v1))
                .isInstanceOf(SerializationException.class).hasMessageContaining("is not registered");
    }

}
