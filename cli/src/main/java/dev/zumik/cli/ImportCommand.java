package dev.zumik.cli;

import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.capture.traces.ImportReport;
import dev.zumik.capture.traces.ShapeWriter;
import dev.zumik.capture.traces.TraceImporter;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.ShapeWindowReader;
import dev.zumik.schemas.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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



    /** An import must start at least this far inside the topic's retention, or the broker's next cleanup deletes it. */
    static final Duration RETENTION_MARGIN = Duration.ofHours(1);

    @Override
    public Integer call() {
        Values.readableFile(null, file);
        if (tenant.isBlank()) {
            throw ZumikException.usage("--tenant must not be empty");
        }
        final TraceImporter importer;
        final Instant first = start == null ? Instant.now() : Values.instant("--start", start);
        try {
            importer = TraceImporter.forFormat(format, new TraceImporter.Target(Lanes.parse(lane), tenant, first,
                    shapes.keyStore()), ShapeBuilder.DEFAULT_BLOCK_SIZE, Optional.empty());
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
        final ClientSettings settings = connection.settings();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        TopicsCommand.requireTopic(settings, shapes.topic);
        // shapes are stamped with their arrival: stamped before the retention horizon, the broker deletes them within minutes
        final OptionalLong retention = TopicsCommand.retentionMs(settings, shapes.topic);
        if (retention.isPresent() && first.isBefore(Instant.now().minusMillis(retention.getAsLong()).plus(RETENTION_MARGIN))) {
            throw ZumikException.usage("--start " + first + " is older than " + shapes.topic + "'s retention ("
                    + Duration.ofMillis(retention.getAsLong()).toHours() + " h, less a 1 h margin): the broker would delete the "
                    + "imported shapes at its next cleanup; give a later --start, or raise the topic's retention.ms");
        }
        // readers find a window by seeking to its start and reading on in time order: shapes stamped well before what a
        // partition already holds would sit where no reader looks (export and replays would miss them), so they are refused
        final OptionalLong latest = TopicsCommand.maxTimestamp(settings, shapes.topic);
        if (latest.isPresent() && first.toEpochMilli() < latest.getAsLong() - ShapeWindowReader.DEFAULT_LATENESS.toMillis()) {
            throw ZumikException.usage("--start " + first + " is before the shapes " + shapes.topic + " already holds (up to "
                    + Instant.ofEpochMilli(latest.getAsLong()) + "): shapes stamped out of time order are invisible to export and replays; "
                    + "give a --start after " + Instant.ofEpochMilli(latest.getAsLong() - ShapeWindowReader.DEFAULT_LATENESS.toMillis())
                    + " (or none: now), or import into an empty topic");
        }
        final ImportReport report;
        try (ShapeWriter writer = new ShapeWriter(settings.kafkaProperties(),
                Topics.create(new SchemaRegistryClient(settings.registrySettings())).shapes().named(shapes.topic))) {
            report = importer.importFile(file, writer::write);
            writer.commit();
        } catch (final RuntimeException e) {
            throw ZumikException.failure("import failed: " + DevCommand.rootMessage(e));
        }
        report.problems().forEach(p -> err.println("skipped " + p));
        out.println(report.summary() + " into " + shapes.topic);
        if (report.importedCount() == 0 && report.skippedCount() > 0) {
            throw ZumikException.failure("nothing imported: every line of " + file + " was refused (is it in " + format + " format?)");
        }
        return 0;
    }
}
