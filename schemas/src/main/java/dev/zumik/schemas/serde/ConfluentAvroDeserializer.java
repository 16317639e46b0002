package dev.zumik.schemas.serde;

import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistry;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format Avro. With a reader class, records written with any compatible writer
 * schema resolve to that class (schema evolution); without one, as {@code GenericRecord}s, or as
 * generated classes when {@code specific.avro.reader=true}. Every failure names its cause: an unknown
 * magic byte, an unknown schema id, truncated bytes or a payload that does not match its schema.
 */
public final class ConfluentAvroDeserializer<T> implements Deserializer<T> {
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

    private SchemaRegistry registry;
    private Class<? extends SpecificRecord> readerClass;
    private Schema readerSchema;
    private boolean specific;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /** For Kafka's configure-by-class-name path; {@link #configure} must follow. */
    public ConfluentAvroDeserializer() {
        AvroTrust.ensureInstalled();
    }

    /** Reads into {@code readerClass}, or generic records when it is null. */
    public ConfluentAvroDeserializer(final SchemaRegistry registry, final Class<? extends SpecificRecord> readerClass) {
        this();
        this.registry = registry;
        this.readerClass = readerClass;
        this.specific = readerClass != null;
        this.readerSchema = readerClass == null ? null : SpecificData.get().getSchema(readerClass);
    }

    @Override
    public void configure(final Map<String, ?> configs, final boolean isKey) {
        if (registry == null) {
            this.registry = new SchemaRegistryClient(RegistrySettings.fromConfig(configs));
        }
        final Object flag = configs.get(SPECIFIC_AVRO_READER);
        if (readerClass == null && flag != null) {
            this.specific = Boolean.parseBoolean(flag.toString());
        }
    }

    @Override
    public T deserialize(final String topic, final byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < WireFormat.HEADER_SIZE) {
            throw new SerializationException("Truncated record on " + topic + ": " + data.length
                    + " bytes, a Confluent-framed Avro record needs at least 5 (magic byte + 4-byte schema id)");
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "Unknown magic byte 0x%02x on %s (expected 0x00, the Confluent wire format)", data[0], topic));
        }
        if (registry == null) {
            throw new SerializationException("ConfluentAvroDeserializer is not configured: schema.registry.url is missing");
        }
        final int id = WireFormat.schemaId(data);
        final DatumReader<T> reader = reader(topic, id);
        try {
            final BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(
                    data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, DECODERS.get());
            DECODERS.set(decoder);
            final T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("Corrupt record on " + topic + " with schema id " + id
                        + ": bytes left over after the record was decoded");
            }
            return value;
        } catch (final IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new SerializationException("Truncated or corrupt Avro payload on " + topic + " with schema id " + id
                    + " (" + (data.length - WireFormat.HEADER_SIZE) + " payload bytes): " + e, e);
        }
    }

    private DatumReader<T> reader(final String topic, final int id) {
        final DatumReader<T> cached = readers.get(id);
        if (cached != null) {
            return cached;
        }
        final Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (final SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new SerializationException("Unknown schema id " + id + " on " + topic
                        + ": the registry has no such schema (" + e.getMessage() + ")", e);
            }
            throw new SerializationException("Cannot fetch schema id " + id + " for " + topic + ": " + e.getMessage(), e);
        }
        final DatumReader<T> reader = newReader(writer);
        readers.put(id, reader);
        return reader;
    }

    private DatumReader<T> newReader(final Schema writer) {
        if (readerSchema != null) {
            return new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForSchema(readerSchema));
        }
        if (specific) {
            final Schema target = SpecificData.get().getSchema(SpecificData.get().getClass(writer));
            return new SpecificDatumReader<>(writer, target == null ? writer : target);
        }
        return new GenericDatumReader<>(writer);
    }
}
