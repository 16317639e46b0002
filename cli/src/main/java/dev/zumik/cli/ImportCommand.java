package dev.zumik.cli;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.capture.traces.ImportReport;
import dev.zumik.capture.traces.ShapeWriter;
import dev.zumik.capture.traces.TraceImporter;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Lanes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zumik import FORMAT FILE}: a trace file to shapes on the shape topic. */
@Command(name = "import", description = {
        "Import a trace file as request shapes: mooncake (JSONL, 512-token block ids), azure (CSV, lengths only) "
            + "or openai-log (JSONL request bodies with usage, hashed like the proxy).",
        "%nBad lines are reported with their numbers and skipped."})
final class ImportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;
    @Mixin ShapeOptions shapes;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "mooncake, azure or openai-log.")
    String format;

    @Parameters(index = "1", paramLabel = "FILE", description = "The trace file.")
    Path file;

    @Option(names = "--lane", paramLabel = "PROVIDER/MODEL/ROUTE", required = true,
            description = "Lane the shapes belong to (openai-log takes each request's model).")
    String lane;

    @Option(names = "--tenant", paramLabel = "ID", defaultValue = "import", description = "Tenant (default ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--start", paramLabel = "TIME", description = "Arrival time of the trace's first request (ISO-8601 or epoch ms; default: now).")
    String start;



    @Override
    public Integer call() {
        Values.readableFile(null, file);
        final TraceImporter importer;
        try {
            importer = TraceImporter.forFormat(format, new TraceImporter.Target(Lanes.parse(lane), tenant,
                    start == null ? Instant.now() : Values.instant("--start", start), new TenantKeyStore(shapes.keyDir)),
                    ShapeBuilder.DEFAULT_BLOCK_SIZE, Optional.empty());
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
        final ClientSettings settings = connection.settings();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        TopicsCommand.requireTopic(settings, shapes.topic);
        final ImportReport report;
        try (ShapeWriter writer = new ShapeWriter(settings.kafkaProperties(), new SchemaRegistryClient(settings.registrySettings()), shapes.topic)) {
            report = importer.importFile(file, writer::write);
        } catch (final RuntimeException e) {
            throw ZumikException.failure("import failed: " + DevCommand.rootMessage(e));
        }
        report.problems().forEach(p -> err.println("skipped " + p));
        out.println(report.summary() + " into " + shapes.topic);
        return 0;
    }
}
