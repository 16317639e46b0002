package dev.zumik.schemas.serde;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Framing errors are detected before any registry call, so these need no registry. */
class ConfluentAvroDeserializerTest {
    private final ConfluentAvroDeserializer<RequestShape> deserializer = new ConfluentAvroDeserializer<>(
            new SchemaRegistryClient(RegistrySettings.fromConfig(Map.of(
                    RegistrySettings.URL, "http://127.0.0.1:1", RegistrySettings.MAX_RETRIES, "0"))),
            RequestShape.class);

    @Test
    void shouldNameAnUnknownMagicByte() {
        // given
        final byte[] json = "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8);

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("t", json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown magic byte 0x7b");
    }

    @Test
    void shouldNameATruncatedHeader() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Truncated record")
                .hasMessageContaining("3 bytes");
    }

    @Test
    void shouldSayWhenTheRegistryCannotBeReached() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {0, 0, 0, 0, 7, 2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot fetch schema id 7")
                .hasMessageContaining("unreachable");
    }
}
