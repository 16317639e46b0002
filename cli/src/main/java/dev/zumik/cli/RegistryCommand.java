package dev.zumik.cli;

import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.schemas.config.ClientSettings;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zumik registry}: the embedded schema registry against any Kafka cluster. */
@Command(name = "registry", description = {
        "Serve the embedded Confluent-compatible schema registry against any Kafka cluster.",
        "%nIts store is a compacted Kafka topic, so ids survive restarts. Run one instance per cluster; "
            + "production may use any Confluent-API registry (Confluent, Apicurio ccompat, Karapace, Redpanda)."})
final class RegistryCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8081", description = "HTTP port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "_schemas", description = "Store topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Mixin ForegroundOptions foreground;

    @Override
    public Integer call() {
        Ports.requireFree(host, port, "--port");
        final ClientSettings settings = connection.settings();
        final PrintWriter out = spec.commandLine().getOut();
        final EmbeddedSchemaRegistry registry;
        try {
            registry = EmbeddedSchemaRegistry.start(settings.bootstrapServers(), host, port, topic, settings.kafkaProperties());
        } catch (final RuntimeException e) {
            throw ZumikException.failure("the registry did not start: " + DevCommand.rootMessage(e));
        }
        out.println("Schema registry ready at " + registry.url() + " (store: " + topic + " on " + settings.bootstrapServers() + ")");
        out.flush();
        Running.untilStopped(foreground.runFor, out, registry::close);
        out.println("Stopped.");
        return 0;
    }
}
