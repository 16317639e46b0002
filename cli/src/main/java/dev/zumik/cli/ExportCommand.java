package dev.zumik.cli;

import dev.zumik.capture.traces.MooncakeExporter;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.ShapeWindowReader;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code zumik export mooncake}: a lane's window as Mooncake JSONL on standard output. */
@Command(name = "export", description = {
        "Write a lane's window of shapes as Mooncake JSONL, for AIPerf, GuideLLM, vllm bench serve or SGLang's bench.",
        "%nHash ids are remapped to dense integers in order of first appearance; block size is as recorded."})
final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;
    @Mixin ShapeOptions shapes;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "mooncake")
    String format;

    @Option(names = "--lane", paramLabel = "PROVIDER/MODEL/ROUTE", required = true, description = "The lane.")
    String lane;

    @Option(names = "--from", paramLabel = "TIME", required = true, description = "Window start, inclusive (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to", paramLabel = "TIME", required = true, description = "Window end, exclusive (ISO-8601 or epoch ms).")
    String to;


    @Override
    public Integer call() {
        if (!"mooncake".equals(format)) {
            throw ZumikException.usage("unknown export format '" + format + "' (known: mooncake)");
        }
        final Instant start = Values.instant("--from", from);
        final Instant end = Values.instant("--to", to);
        if (!end.isAfter(start)) {
            throw ZumikException.usage("--to must be after --from");
        }
        final Lane parsedLane;
        try {
            parsedLane = Lanes.parse(lane);
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
        final ClientSettings settings = connection.settings();
        TopicsCommand.requireTopic(settings, shapes.topic);
        final ShapeWindowReader.Window window;
        try {
            window = ShapeWindowReader.read(settings.kafkaProperties(), shapes.topic,
                    new ConfluentAvroDeserializer<RequestShape>(new SchemaRegistryClient(settings.registrySettings()), RequestShape.class),
                    parsedLane, start, end);
        } catch (final RuntimeException e) {
            throw ZumikException.failure("cannot read " + shapes.topic + ": " + DevCommand.rootMessage(e));
        }
        final int written = MooncakeExporter.write(window.shapes(), spec.commandLine().getOut());
        spec.commandLine().getErr().println("exported " + written + " shapes of " + lane
                + (window.truncatedByRetention() ? " (the window starts before the oldest record left: part of it was deleted)" : ""));
        return 0;
    }
}
