package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.serde.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/** Window statistics as plain Avro binary for the diagnosis store (internal state: no registry, schema of this build). */
final class StatsBytes {
    private static final SpecificDatumWriter<LaneWindowStats> WRITER = new SpecificDatumWriter<>(LaneWindowStats.class);
    private static final SpecificDatumReader<LaneWindowStats> READER = new SpecificDatumReader<>(LaneWindowStats.class);

    static {
        AvroTrust.ensureInstalled();
    }

    private StatsBytes() { }

    static byte[] write(final LaneWindowStats stats) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            WRITER.write(stats, encoder);
            encoder.flush();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static LaneWindowStats read(final byte[] bytes) {
        try {
            return READER.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
