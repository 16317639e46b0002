package dev.zumik.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import dev.zumik.schemas.registry.InMemorySchemaRegistry;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.registry.SchemaRegistryException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Encoding now and stamping the schema id later gives the bytes {@code serialize} gives, and waits out a registry that is away. */
class ConfluentAvroSerializerTest {
    private static final RequestShape SHAPE = RequestShape.newBuilder().setEventId("e1").setTenant("t")
            .setLane(new Lane("openai", "gpt-4o-mini", "chat")).setArrivalTime(Instant.ofEpochMilli(1_700_000_000_000L))
            .setPromptTokens(130).setCompletionTokens(10).setCachedTokens(64).setCacheWriteTokens(null).setBlockSize(64)
            .setTokenizer("o200k_base").setHashedTokens(128).setBlockHashes(List.of(-7L, 42L)).setHashKeyId("k")
            .setTtftMs(12.5).setE2eMs(80.0).setHttpStatus(200).setStream(true).setMaxTokens(null).setServiceTier(null)
            .setSource(ShapeSource.PROXY).setParsed(true).build();

    @Test
    void shouldStampTheSameBytesThatSerializeWrites() {
        // given
        final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        final ConfluentAvroSerializer<RequestShape> serializer = new ConfluentAvroSerializer<>(registry, false);
        final byte[] direct = serializer.serialize("shapes", SHAPE);

        // when
        final byte[] later = serializer.encodeAwaitingSchemaId(SHAPE);
        serializer.stampSchemaId("shapes", RequestShape.getClassSchema(), later);

        // then
        assertThat(later).isEqualTo(direct);
        assertThat(new ConfluentAvroDeserializer<>(registry, RequestShape.class).deserialize("shapes", later)).isEqualTo(SHAPE);
    }

    @Test
    void shouldEncodeWithoutTheRegistryAndSayWhenTheIdCannotBeStampedYet() {
        // given a registry that does not answer
        final ConfluentAvroSerializer<RequestShape> serializer = new ConfluentAvroSerializer<>(new SchemaRegistryClient(
                RegistrySettings.fromConfig(Map.of(RegistrySettings.URL, "http://127.0.0.1:1", RegistrySettings.MAX_RETRIES, "0"))), false);

        // when
        final byte[] encoded = serializer.encodeAwaitingSchemaId(SHAPE);

        // then the record is encoded, and stamping it fails with a transient registry error, to be tried again
        assertThat(encoded).hasSizeGreaterThan(WireFormat.HEADER_SIZE);
        assertThatThrownBy(() -> serializer.stampSchemaId("shapes", RequestShape.getClassSchema(), encoded))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("shapes-value")
                .cause().isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isTransient()).isTrue());
    }
}
