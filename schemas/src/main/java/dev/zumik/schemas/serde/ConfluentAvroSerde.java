package dev.zumik.schemas.serde;

import dev.zumik.schemas.registry.SchemaRegistry;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.avro.specific.SpecificRecord;

/** A Kafka {@link Serde} for one generated Avro class in the Confluent wire format. */
public final class ConfluentAvroSerde<T extends SpecificRecord> implements Serde<T> {
    private final ConfluentAvroSerializer<T> serializer;
    private final ConfluentAvroDeserializer<T> deserializer;

    public ConfluentAvroSerde(final SchemaRegistry registry, final Class<T> type, final boolean isKey) {
        this.serializer = new ConfluentAvroSerializer<>(registry, isKey);
        this.deserializer = new ConfluentAvroDeserializer<>(registry, type);
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        // Built fully configured; Kafka Streams calls this with its own settings, which change nothing here.
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
