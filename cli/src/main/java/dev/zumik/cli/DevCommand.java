package dev.zumik.cli;

import dev.zumik.localstack.LocalStack;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.topics.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zumik dev}: the embedded default — broker, registry and topics — in the foreground. */
@Command(name = "dev", description = {
        "Run the embedded default: a real Kafka broker and a schema registry, with Zumik's topics.",
        "%nStarts a KRaft broker in-process and a Confluent-compatible schema registry stored in it, creates "
            + "Zumik's topics, registers their schemas, prints where they listen and runs until Ctrl-C. "
            + "Data is kept across restarts."})
final class DevCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Kafka data, kept across restarts (default ${DEFAULT-VALUE}).",
            defaultValue = "${sys:user.home}/.zumik/dev")
    Path dataDir;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "9092",
            description = "Kafka client port (default ${DEFAULT-VALUE}; 0 picks a free port).")
    int kafkaPort;

    @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Schema registry port (default ${DEFAULT-VALUE}; 0 picks a free port).")
    int registryPort;

    @Option(names = "--brokers", paramLabel = "N", defaultValue = "1",
            description = "KRaft nodes (default ${DEFAULT-VALUE}; 3 gives replication 3, min ISR 2).")
    int brokers;

    @Mixin ForegroundOptions foreground;

    @Override
    public Integer call() {
        if (brokers < 1 || brokers > 9) {
            throw ZumikException.usage("--brokers must be 1..9, got " + brokers);
        }
        Ports.requireFree("127.0.0.1", kafkaPort, "--kafka-port");
        Ports.requireFree("127.0.0.1", registryPort, "--registry-port");
        final PrintWriter out = spec.commandLine().getOut();
        final long started = System.nanoTime();
        final LocalStack stack;
        try {
            stack = LocalStack.start(dataDir, kafkaPort, registryPort, brokers);
        } catch (final RuntimeException e) {
            throw ZumikException.failure("the local stack did not start: " + rootMessage(e));
        }
        try {
            final ClientSettings settings = ClientSettings.resolve(Map.of(), null, Map.of(
                    ClientSettings.BOOTSTRAP, stack.bootstrapServers(), ClientSettings.REGISTRY_URL, stack.registryUrl()));
            try (Admin admin = TopicsCommand.admin(settings)) {
                TopicsCommand.createAll(admin, Topics.create(stack.registryClient()), Optional.empty(), stack.registryClient())
                        .forEach(line -> out.println("  " + line));
            }
            out.printf("Zumik dev stack ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
            out.println("  kafka     " + stack.bootstrapServers());
            out.println("  registry  " + stack.registryUrl());
            out.println("  data      " + stack.kafka().dataDir());
            out.println("Use: export ZUMIK_KAFKA_BOOTSTRAP_SERVERS=" + stack.bootstrapServers()
                    + " ZUMIK_REGISTRY_URL=" + stack.registryUrl());
            out.println(foreground.runFor == null ? "Ctrl-C to stop." : "Stopping after " + foreground.runFor.toSeconds() + " s.");
            out.flush();
        } catch (final RuntimeException e) {
            stack.close();
            throw e;
        }
        Running.untilStopped(foreground.runFor, out, stack::close);
        out.println("Stopped.");
        return 0;
    }

    static String rootMessage(final Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }
}
