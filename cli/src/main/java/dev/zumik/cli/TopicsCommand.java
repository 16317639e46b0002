package dev.zumik.cli;

import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.registry.SchemaRegistryException;
import dev.zumik.schemas.serde.WireFormat;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code zumik topics create|list}: the topics of Topics, created idempotently. */
@Command(name = "topics", description = "Create or list Zumik's Kafka topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
final class TopicsCommand {

    static Admin admin(final ClientSettings settings) {
        final Map<String, Object> props = new HashMap<>(settings.kafkaProperties());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return Admin.create(props);
    }

    /**
     * Fails with one line naming the servers when Kafka does not answer within 10 s, or refuses the
     * credentials or certificate (wrong SCRAM password, no client certificate for mutual TLS, untrusted broker).
     */
    static void requireReachable(final Admin admin, final ClientSettings settings) {
        try {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZumikException.failure("interrupted");
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw ZumikException.failure("Kafka at " + settings.bootstrapServers() + " refused the connection: "
                        + refused.getMessage());
            }
            throw ZumikException.failure("cannot reach Kafka at " + settings.bootstrapServers() + ": " + e.getCause().getMessage());
        } catch (final TimeoutException e) {
            throw ZumikException.failure("cannot reach Kafka at " + settings.bootstrapServers() + " within 10 s");
        }
    }

    /** Fails with one line when Kafka is unreachable or {@code topic} does not exist. */
    static void requireTopic(final ClientSettings settings, final String topic) {
        try (Admin admin = admin(settings)) {
            requireReachable(admin, settings);
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                throw ZumikException.failure("topic " + topic + " does not exist; create it first (zumik topics create)");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZumikException.failure("interrupted");
        } catch (final ExecutionException | TimeoutException e) {
            throw ZumikException.failure("cannot list topics at " + settings.bootstrapServers() + ": " + e.getMessage());
        }
    }

    /** The topic's {@code retention.ms} (empty: kept forever, -1); a failure to read it is a run-time failure. */
    static OptionalLong retentionMs(final ClientSettings settings, final String topic) {
        final ConfigResource resource =
                new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = admin(settings)) {
            final ConfigEntry entry = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource).get("retention.ms");
            final long ms = entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
            return ms < 0 ? OptionalLong.empty() : OptionalLong.of(ms);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZumikException.failure("interrupted");
        } catch (final ExecutionException | TimeoutException e) {
            throw ZumikException.failure("cannot read the retention of " + topic + " at " + settings.bootstrapServers() + ": " + e.getMessage());
        }
    }

    /** The latest record timestamp in any partition of the topic (empty for an empty topic). */
    static OptionalLong maxTimestamp(final ClientSettings settings, final String topic) {
        try (Admin admin = admin(settings)) {
            final var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions();
            final Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            partitions.forEach(p -> query.put(new TopicPartition(topic, p.partition()),
                    OffsetSpec.maxTimestamp()));
            long max = Long.MIN_VALUE;
            for (final var info : admin.listOffsets(query).all().get(30, TimeUnit.SECONDS).values()) {
                if (info.offset() >= 0) {
                    max = Math.max(max, info.timestamp());
                }
            }
            return max == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(max);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZumikException.failure("interrupted");
        } catch (final ExecutionException | TimeoutException e) {
            throw ZumikException.failure("cannot read the latest timestamp of " + topic + " at " + settings.bootstrapServers() + ": "
                    + e.getMessage());
        }
    }

    /**
     * Creates every topic that does not exist yet and, with a registry, registers each value schema.
     * Returns one line per topic.
     */
    static List<String> createAll(final Admin admin, final Topics topics, final Optional<Short> replication,
                                  final SchemaRegistryClient registry) {
        final List<String> lines = new ArrayList<>();
        final List<NewTopic> requests = topics.all().stream().map(t -> t.newTopic(replication)).toList();
        final CreateTopicsResult result = admin.createTopics(requests);
        for (final Topic<?, ?> topic : topics.all()) {
            try {
                result.values().get(topic.name()).get(30, TimeUnit.SECONDS);
                lines.add("created  " + topic.name() + " (" + topic.partitions() + " partitions)");
            } catch (final ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw ZumikException.failure("cannot create " + topic.name() + ": " + e.getCause().getMessage());
                }
                lines.add("exists   " + topic.name());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ZumikException.failure("interrupted");
            } catch (final TimeoutException e) {
                throw ZumikException.failure("Kafka did not answer within 30 s while creating " + topic.name());
            }
        }
        if (registry != null) {
            for (final Map.Entry<String, Schema> entry : topics.valueSchemas().entrySet()) {
                final String subject = WireFormat.subject(entry.getKey(), false);
                try {
                    lines.add("schema   " + subject + " id " + registry.register(subject, entry.getValue()));
                } catch (final SchemaRegistryException e) {
                    throw ZumikException.failure("cannot register " + subject + ": " + e.getMessage());
                }
            }
        }
        return lines;
    }

    @Command(name = "create", description = "Create every Zumik topic that does not exist yet and register its value schema.")
    static final class Create implements Callable<Integer> {
        @Mixin ConnectionOptions connection;
        @Spec CommandSpec spec;

        @Option(names = "--replication-factor", paramLabel = "N",
                description = "Replication factor (default: the broker's default.replication.factor).")
        Short replicationFactor;

        @Option(names = "--shape-partitions", paramLabel = "N", defaultValue = "" + Topics.DEFAULT_SHAPE_PARTITIONS,
                description = "Partitions of zumik.shapes.v1 (default ${DEFAULT-VALUE}).")
        int shapePartitions;

        @Option(names = "--no-register", description = "Create topics only; do not register value schemas.")
        boolean noRegister;

        @Override
        public Integer call() {
            if (replicationFactor != null && replicationFactor < 1) {
                throw ZumikException.usage("--replication-factor must be >= 1, got " + replicationFactor);
            }
            if (shapePartitions < 1) {
                throw ZumikException.usage("--shape-partitions must be >= 1, got " + shapePartitions);
            }
            final ClientSettings settings = connection.settings();
            final PrintWriter out = spec.commandLine().getOut();
            final SchemaRegistryClient registry = noRegister ? null : new SchemaRegistryClient(settings.registrySettings());
            try (Admin admin = admin(settings)) {
                requireReachable(admin, settings);
                if (replicationFactor != null) {
                    final int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
                    if (replicationFactor > brokers) {
                        throw ZumikException.usage("--replication-factor " + replicationFactor + " needs at least that many brokers; "
                                + settings.bootstrapServers() + " has " + brokers);
                    }
                }
                final List<String> lines = createAll(admin, Topics.create(registry, shapePartitions), Optional.ofNullable(replicationFactor),
                        registry);
                lines.forEach(out::println);
                if (replicationFactor != null) {
                    // an existing topic keeps its replication: say so rather than let the flag seem to have worked
                    final List<String> existing = lines.stream().filter(l -> l.startsWith("exists")).map(l -> l.substring(9).strip()).toList();
                    final Map<String, TopicDescription> described = existing.isEmpty() ? Map.of()
                            : admin.describeTopics(existing).allTopicNames().get(30, TimeUnit.SECONDS);
                    final List<String> other = described.values().stream().filter(d -> d.partitions().get(0).replicas().size() != replicationFactor)
                            .map(d -> d.name() + " (" + d.partitions().get(0).replicas().size() + ")").toList();
                    if (!other.isEmpty()) {
                        throw ZumikException.failure("already exist with another replication factor than " + replicationFactor + ", left unchanged: "
                                + String.join(", ", other) + " (kafka-reassign-partitions changes it)");
                    }
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ZumikException.failure("interrupted");
            } catch (final ExecutionException | TimeoutException e) {
                throw ZumikException.failure("cannot describe the cluster at " + settings.bootstrapServers() + ": " + e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Show Zumik's topics: partitions, replication and cleanup policy.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin ConnectionOptions connection;
        @Spec CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            final PrintWriter out = spec.commandLine().getOut();
            final Topics topics = Topics.create(null);
            final ClientSettings settings = connection.settings();
            try (Admin admin = admin(settings)) {
                requireReachable(admin, settings);
                final Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                for (final Topic<?, ?> topic : topics.all()) {
                    if (!existing.contains(topic.name())) {
                        out.println(String.format("%-28s missing (run: zumik topics create)", topic.name()));
                        continue;
                    }
                    final TopicDescription d = admin.describeTopics(List.of(topic.name())).allTopicNames()
                            .get(30, TimeUnit.SECONDS).get(topic.name());
                    out.println(String.format("%-28s partitions=%d replicas=%d %s", topic.name(), d.partitions().size(),
                            d.partitions().get(0).replicas().size(), topic.config()));
                }
            } catch (final ExecutionException e) {
                throw ZumikException.failure("cannot reach Kafka: " + e.getCause().getMessage());
            }
            return 0;
        }
    }
}
