package dev.zumik.schemas.serde;

import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistry;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated or generic) in the Confluent wire format, registering the schema
 * under {@code <topic>-value} (or {@code -key}) on first use, or only looking it up when
 * {@code auto.register.schemas=false}. Usable by class name from any Kafka client configuration.
 */
public final class ConfluentAvroSerializer<T extends GenericContainer> implements Serializer<T> {
    private static final ThreadLocal<BinaryEncoder> ENCODERS = new ThreadLocal<>();

    private SchemaRegistry registry;
    private boolean isKey;
    private final Map<String, Map<Schema, Integer>> ids = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

    /** For Kafka's configure-by-class-name path; {@link #configure} must follow. */
    public ConfluentAvroSerializer() {
        AvroTrust.ensureInstalled();
    }

    public ConfluentAvroSerializer(final SchemaRegistry registry, final boolean isKey) {
        this();
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        if (registry == null) {
            this.registry = new SchemaRegistryClient(RegistrySettings.fromConfig(configs));
        }
        this.isKey = isKey;
    }

    @Override
    public byte[] serialize(final String topic, final T data) {
        if (data == null) {
            return null;
        }
        final int id = schemaId(topic, data.getSchema());
        final byte[] encoded = encodeAwaitingSchemaId(data);
        WireFormat.writeHeader(encoded, id);
        return encoded;
    }

    /**
     * The wire format of {@code data} with its schema id left blank for {@link #stampSchemaId}: a record can be
     * encoded at once and wait, as one compact array, for a registry that is not reachable yet.
     */
    public byte[] encodeAwaitingSchemaId(final T data) {
        final Schema schema = data.getSchema();
        try {
            final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            out.write(new byte[WireFormat.HEADER_SIZE]);
            final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, ENCODERS.get());
            ENCODERS.set(encoder);
            writer(schema, data).write(data, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (final IOException | RuntimeException e) {
            throw new SerializationException("Cannot encode " + schema.getFullName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes into bytes from {@link #encodeAwaitingSchemaId} the id of {@code schema} under {@code topic}'s subject,
     * registering or looking it up as {@link #serialize} does; throws {@link SerializationException} when the registry
     * cannot say, and the bytes can be stamped again later.
     */
    public void stampSchemaId(final String topic, final Schema schema, final byte[] encoded) {
        WireFormat.writeHeader(encoded, schemaId(topic, schema));
    }

    private int schemaId(final String topic, final Schema schema) {
        if (registry == null) {
            throw new SerializationException("ConfluentAvroSerializer is not configured: schema.registry.url is missing");
        }
        final String subject = WireFormat.subject(topic, isKey);
        final Map<Schema, Integer> bySchema = ids.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        final Integer cached = bySchema.get(schema);
        if (cached != null) {
            return cached;
        }
        try {
            final int id;
            if (registry.autoRegister()) {
                id = registry.register(subject, schema);
            } else {
                id = registry.lookup(subject, schema).orElseThrow(() -> new SerializationException(
                        "Schema " + schema.getFullName() + " is not registered under subject " + subject
                                + " and auto.register.schemas is false"));
            }
            bySchema.put(schema, id);
            return id;
        } catch (final SchemaRegistryException e) {
            throw new SerializationException("Cannot get a schema id for subject " + subject + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writer(final Schema schema, final T data) {
        return writers.computeIfAbsent(schema, s -> data instanceof SpecificRecord
                ? (DatumWriter<Object>) (DatumWriter<?>) new SpecificDatumWriter<>(s, SpecificData.getForSchema(s))
                : new GenericDatumWriter<>(s));
    }
}
