package dev.zumik.cli;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.traces.ImportReport;
import dev.zumik.capture.traces.TraceImporter;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.streams.analyze.ShapeFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Reads a trace file as shapes for the offline commands ({@code analyze}, {@code replay --trace}):
 * an Avro file of shapes as it is, or a trace in a known format through the importers, hashed with a
 * throwaway key (reuse is measured, nothing is kept). Skipped lines are reported on {@code err}.
 */
final class TraceFiles {
    private TraceFiles() { }

    static void read(final Path file, final String format, final String lane, final int blockTokens, final Instant start,
                     final PrintWriter err, final Consumer<RequestShape> sink) {
        Values.readableFile(null, file);
        if (format.equals("shapes")) {
            try {
                ShapeFiles.read(file, sink);
            } catch (final IllegalArgumentException e) {
                throw ZumikException.failure(e.getMessage());
            }
            return;
        }
        final Path keys;
        try {
            keys = Files.createTempDirectory("zumik-trace-keys");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            final TraceImporter importer;
            try {
                importer = TraceImporter.forFormat(format, new TraceImporter.Target(Lanes.parse(lane), "trace", start, new TenantKeyStore(keys)),
                        blockTokens, Optional.empty());
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage(e.getMessage());
            }
            final ImportReport report = importer.importFile(file, sink);
            report.problems().forEach(p -> err.println("skipped " + p));
        } finally {
            try (Stream<Path> walk = Files.walk(keys)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (final IOException e) {
                err.println("could not remove the throwaway key directory " + keys + ": " + e.getMessage());
            }
        }
    }
}
