package dev.zumik.streams.analyze;

import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.serde.AvroTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Shapes as an Avro object container file (the {@code shapes} format of {@code zumik analyze}): any
 * Avro tool reads and writes it, with the {@code RequestShape} schema embedded in the file.
 */
public final class ShapeFiles {
    private ShapeFiles() { }

    /** Reads every shape of {@code file}, in file order. */
    public static long read(final Path file, final Consumer<RequestShape> sink) {
        AvroTrust.ensureInstalled();
        long count = 0;
        try (DataFileReader<RequestShape> reader = new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(RequestShape.class))) {
            for (final RequestShape shape : reader) {
                sink.accept(shape);
                count++;
            }
        } catch (final IOException e) {
            throw new IllegalArgumentException(file + " is not an Avro file of RequestShape records: " + e.getMessage(), e);
        }
        return count;
    }

    /** Writes {@code shapes} to {@code file}. */
    public static void write(final Path file, final Iterable<RequestShape> shapes) throws IOException {
        AvroTrust.ensureInstalled();
        try (DataFileWriter<RequestShape> writer = new DataFileWriter<>(new SpecificDatumWriter<>(RequestShape.class))) {
            writer.create(RequestShape.getClassSchema(), file.toFile());
            for (final RequestShape shape : shapes) {
                writer.append(shape);
            }
        }
    }
}
