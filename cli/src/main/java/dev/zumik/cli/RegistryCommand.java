package dev.zumik.cli;

import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.localstack.registry.RegistryServerSecurity;
import dev.zumik.schemas.config.ClientSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "Serve HTTPS with this PKCS12 keystore (its password in --tls-password-file).")
    Path tlsKeystore;

    @Option(names = "--tls-password-file", paramLabel = "FILE", description = "File holding the keystore's password.")
    Path tlsPasswordFile;

    @Option(names = "--users-file", paramLabel = "FILE",
            description = "Require HTTP basic auth: one user:password per line (keep the file 0600).")
    Path usersFile;

    @Mixin ForegroundOptions foreground;

    @Override
    public Integer call() {
        final RegistryServerSecurity security = security();
        Ports.requireFree(host, port, "--port");
        final ClientSettings settings = connection.settings();
        final PrintWriter out = spec.commandLine().getOut();
        // One line within 10 s when Kafka is not there, rather than a registry that never finishes loading its store.
        try (Admin admin = TopicsCommand.admin(settings)) {
            TopicsCommand.requireReachable(admin, settings);
        }
        final EmbeddedSchemaRegistry registry;
        try {
            registry = EmbeddedSchemaRegistry.start(settings.bootstrapServers(), host, port, topic, settings.kafkaProperties(), security);
        } catch (final RuntimeException e) {
            throw ZumikException.failure("the registry did not start: " + DevCommand.rootMessage(e));
        }
        out.println("Schema registry ready at " + registry.url() + " (store: " + topic + " on " + settings.bootstrapServers() + ")");
        out.flush();
        Running.untilStopped(foreground.runFor, out, registry::close);
        out.println("Stopped.");
        return 0;
    }

    private RegistryServerSecurity security() {
        if ((tlsKeystore == null) != (tlsPasswordFile == null)) {
            throw ZumikException.usage("--tls-keystore and --tls-password-file go together");
        }
        String password = null;
        if (tlsKeystore != null) {
            Values.readableFile("--tls-keystore", tlsKeystore);
            password = Values.readText("--tls-password-file", tlsPasswordFile).strip();
        }
        if (usersFile == null) {
            return new RegistryServerSecurity(tlsKeystore, password, Map.of());
        }
        Values.readableFile("--users-file", usersFile);
        try {
            return new RegistryServerSecurity(tlsKeystore, password, RegistryServerSecurity.readUsers(usersFile));
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage("--users-file: " + e.getMessage());
        }
    }
}
