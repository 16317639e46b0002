package dev.zumik.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.registry.SchemaRegistryException;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.serde.ConfluentAvroSerializer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class SchemaRegistryIT {
    private static final String V1 = """
            {"type":"record","name":"Evolving","namespace":"dev.zumik.test","fields":[
              {"name":"a","type":"string"}]}""";
    private static final String V2_WITH_DEFAULT = """
            {"type":"record","name":"Evolving","namespace":"dev.zumik.test","fields":[
              {"name":"a","type":"string"},{"name":"b","type":"int","default":0}]}""";
    private static final String V2_WITHOUT_DEFAULT = """
            {"type":"record","name":"Evolving","namespace":"dev.zumik.test","fields":[
              {"name":"a","type":"string"},{"name":"c","type":"long"}]}""";

    @Test
    void shouldKeepIdsAcrossARegistryRestart(final LocalStack stack) {
        // given
        final String topic = LocalStack.uniqueTopic("_schemas");
        final Schema shape = RequestShape.getClassSchema();
        final int id;
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(stack.bootstrapServers(), "127.0.0.1", 0, topic, Map.of())) {
            id = client(first.url()).register("restart-value", shape);
        }

        // when
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(stack.bootstrapServers(), "127.0.0.1", 0, topic, Map.of())) {
            final SchemaRegistryClient client = client(second.url());

            // then
            assertThat(client.schemaById(id)).isEqualTo(shape);
            assertThat(client.register("restart-value", shape)).isEqualTo(id);
            assertThat(client.latest("restart-value").version()).isEqualTo(1);
            assertThat(client.register("other-value", new Schema.Parser().parse(V1))).isEqualTo(id + 1);
        }
    }

    @Test
    void shouldRejectAnIncompatibleChangeWith409AndTheRegistrysReason(final LocalStack stack) {
        // given
        final SchemaRegistryClient client = stack.registryClient();
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
                    assertThat(e.getMessage()).contains("incompatible with an earlier schema").contains("READER_FIELD_MISSING_DEFAULT_VALUE");
                });
        assertThat(client.isCompatible(subject, new Schema.Parser().parse(V2_WITHOUT_DEFAULT))).isFalse();

        // unless the subject's rule says NONE
        client.setCompatibility(Optional.of(subject), "NONE");
        client.register(subject, new Schema.Parser().parse(V2_WITHOUT_DEFAULT));
        assertThat(client.latest(subject).version()).isEqualTo(3);
    }

    @Test
    void shouldDeduplicateByCanonicalFormButKeepLogicalTypes(final LocalStack stack) {
        // given
        final SchemaRegistryClient client = stack.registryClient();
        final String plain = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"at\",\"type\":\"long\"}]}";
        final String reordered = "{ \"name\" : \"T\", \"fields\" : [ { \"type\" : \"long\", \"name\" : \"at\" } ], \"type\" : \"record\" }";
        final String timestamp = "{\"type\":\"record\",\"name\":\"T\",\"fields\":[{\"name\":\"at\",\"type\":"
                + "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}}]}";
        final String subject = LocalStack.uniqueTopic("canonical");

        // when
        final int a = client.register(subject + "-a", new Schema.Parser().parse(plain));
        final int b = new SchemaRegistryClient(RegistrySettings.of(stack.registryUrl()))
                .register(subject + "-b", new Schema.Parser().parse(reordered));
        final int c = client.register(subject + "-c", new Schema.Parser().parse(timestamp));

        // then
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
        assertThat(client.schemaById(c).getField("at").schema().getLogicalType().getName()).isEqualTo("timestamp-millis");
    }

    @Test
    void shouldNameEachKindOfCorruptBytes(final LocalStack stack) {
        // given
        final String topic = LocalStack.uniqueTopic("corrupt");
        final ConfluentAvroSerializer<RequestShape> serializer = new ConfluentAvroSerializer<>(stack.registryClient(), false);
        final ConfluentAvroDeserializer<RequestShape> deserializer = new ConfluentAvroDeserializer<>(stack.registryClient(), RequestShape.class);
        final byte[] good = serializer.serialize(topic, SampleShapes.shape(1));
        assertThat(deserializer.deserialize(topic, good)).isEqualTo(SampleShapes.shape(1));

        // when / then
        final byte[] unknownId = good.clone();
        unknownId[1] = 0x7f;
        assertThatThrownBy(() -> deserializer.deserialize(topic, unknownId))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Unknown schema id " + dev.zumik.schemas.serde.WireFormat.schemaId(unknownId));

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
    void shouldReadOldRecordsWithTheNewSchemaAndGenericRecordsByClassName(final LocalStack stack) {
        // given: a record written with V1 through a serializer configured by properties
        final String topic = LocalStack.uniqueTopic("evolve");
        final ConfluentAvroSerializer<GenericRecord> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(Map.of(RegistrySettings.URL, stack.registryUrl()), false);
        final GenericRecord v1 = new GenericData.Record(new Schema.Parser().parse(V1));
        v1.put("a", "hello");
        final byte[] bytes = serializer.serialize(topic, v1);

        // when: a generic reader (as a Kafka consumer configured by class name would be)
        final ConfluentAvroDeserializer<GenericRecord> deserializer = new ConfluentAvroDeserializer<>();
        deserializer.configure(Map.of(RegistrySettings.URL, stack.registryUrl()), false);
        final GenericRecord read = deserializer.deserialize(topic, bytes);

        // then
        assertThat(read.get("a").toString()).isEqualTo("hello");
        assertThat(stack.registryClient().latest(topic + "-value").schema()).isEqualTo(v1.getSchema());
    }

    @Test
    void shouldRefuseToSerializeAnUnregisteredSchemaWhenAutoRegisterIsOff(final LocalStack stack) {
        // given
        final ConfluentAvroSerializer<GenericRecord> serializer = new ConfluentAvroSerializer<>();
        serializer.configure(Map.of(RegistrySettings.URL, stack.registryUrl(), RegistrySettings.AUTO_REGISTER, "false"), false);
        final GenericRecord v1 = new GenericData.Record(new Schema.Parser().parse(V1));
        v1.put("a", "x");

        // when / then
        assertThatThrownBy(() -> serializer.serialize(LocalStack.uniqueTopic("noauto"), v1))
                .isInstanceOf(SerializationException.class).hasMessageContaining("is not registered");
    }

    private static SchemaRegistryClient client(final String url) {
        return new SchemaRegistryClient(RegistrySettings.of(url));
    }
}
