package dev.zumik.streams.topology;

import dev.zumik.schemas.serde.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Records as plain Avro binary in internal stores (state of this build: no registry, the schema of the code). */
public final class AvroBytes {
    static {
        AvroTrust.ensureInstalled();
    }

    private AvroBytes() { }

    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> byte[] write(final T record) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new SpecificDatumWriter<>((Class<T>) record.getClass()).write(record, encoder);
            encoder.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static <T extends SpecificRecord> T read(final byte[] bytes, final Class<T> type) {
        try {
            return new SpecificDatumReader<>(type).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
