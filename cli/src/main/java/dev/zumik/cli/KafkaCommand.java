package dev.zumik.cli;

import dev.zumik.localstack.kafka.BrokerSettings;
import dev.zumik.localstack.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zumik kafka}: a single-node KRaft broker as a process of its own. */
@Command(name = "kafka", description = {
        "Run a single-node KRaft Kafka broker as a process of its own.",
        "%nStorage is formatted once and kept across restarts. The broker's server.properties is written to the "
            + "data directory; 'java -cp \"cli/target/lib/*\" kafka.Kafka DIR/server.properties' runs the same broker "
            + "without Zumik."})
final class KafkaCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", required = true, description = "Broker data directory.")
    Path dataDir;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092", description = "Client port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "9093",
            description = "KRaft controller port (default ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to bind and advertise (default ${DEFAULT-VALUE}).")
    String host;

    @Mixin ForegroundOptions foreground;

    @Override
    public Integer call() {
        if (port == 0 || controllerPort == 0) {
            throw ZumikException.usage("--port and --controller-port must be fixed for a standalone broker (got 0)");
        }
        Ports.requireFree(host, port, "--port");
        Ports.requireFree(host, controllerPort, "--controller-port");
        final PrintWriter out = spec.commandLine().getOut();
        final EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.builder().dataDir(dataDir).host(host).port(port).controllerPort(controllerPort).build();
            writeServerProperties(kafka.nodes().get(0), dataDir.resolve("server.properties"));
            kafka.start(Duration.ofSeconds(60));
        } catch (final RuntimeException e) {
            throw ZumikException.failure("Kafka did not start: " + DevCommand.rootMessage(e));
        }
        out.println("Kafka ready at " + kafka.bootstrapServers() + " (data " + kafka.dataDir() + ", config "
                + dataDir.resolve("server.properties") + ")");
        out.flush();
        Running.untilStopped(foreground.runFor, out, kafka::close);
        out.println("Stopped.");
        return 0;
    }

    private static void writeServerProperties(final BrokerSettings node, final Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, node.toPropertiesText(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw ZumikException.failure("cannot write " + file + ": " + e.getMessage());
        }
    }
}
