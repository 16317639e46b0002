package dev.zumik.localstack.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real KRaft Kafka cluster of one or more combined broker+controller nodes in this JVM. The data
 * directory survives restarts (storage is formatted only once); without one, a temporary directory
 * is used and deleted on {@link #close()}. Ports are fixed or picked free.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String CLUSTER_ID_FILE = "cluster.id";

    private final Path dataDir;
    private final boolean temporary;
    private final List<BrokerSettings> nodes;
    private final KafkaRaftServer[] servers;
    /** Held while this cluster owns the data directory, so a second one fails before it touches the live metadata log. */
    private final DataDirLock lock;

    private EmbeddedKafka(final Builder builder) throws IOException {
        this.temporary = builder.dataDir == null;
        this.dataDir = temporary ? Files.createTempDirectory("zumik-kafka-") : builder.dataDir.toAbsolutePath();
        Files.createDirectories(dataDir);
        this.lock = DataDirLock.acquire(dataDir);
        final List<Integer> brokerPorts = new ArrayList<>();
        final List<Integer> controllerPorts = new ArrayList<>();
        final List<Integer> internalPorts = new ArrayList<>();
        for (int i = 0; i < builder.brokers; i++) {
            brokerPorts.add(builder.port == 0 ? freePort() : builder.port + i);
            controllerPorts.add(builder.controllerPort == 0 ? freePort() : builder.controllerPort + i);
            if (builder.security.secured()) {
                internalPorts.add(freePort());
            }
        }
        final List<BrokerSettings> list = new ArrayList<>();
        for (int i = 1; i <= builder.brokers; i++) {
            final Path logDir = builder.brokers == 1 ? dataDir.resolve("kraft") : dataDir.resolve("node-" + i);
            list.add(new BrokerSettings(i, builder.host, brokerPorts, controllerPorts, internalPorts, builder.security, logDir,
                    builder.overrides));
        }
        this.nodes = List.copyOf(list);
        this.servers = new KafkaRaftServer[nodes.size()];
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Formats storage if needed, starts every node and waits until all brokers are registered. */
    public EmbeddedKafka start(final Duration timeout) {
        final String clusterId = clusterId();
        for (final BrokerSettings node : nodes) {
            format(node, clusterId);
        }
        // Nodes start concurrently: a multi-node quorum needs a majority before any node is ready.
        final List<Thread> starters = new ArrayList<>();
        final List<RuntimeException> failures = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            final int index = i;
            final Thread starter = new Thread(() -> {
                try {
                    startNodeAt(index);
                } catch (final RuntimeException e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, "zumik-kafka-start-" + (i + 1));
            starter.start();
            starters.add(starter);
        }
        for (final Thread starter : starters) {
            joinQuietly(starter);
        }
        if (!failures.isEmpty()) {
            close();
            throw new IllegalStateException("Kafka did not start: " + failures.get(0).getMessage(), failures.get(0));
        }
        awaitBrokers(nodes.size(), timeout);
        LOG.info("Kafka ready: {} node(s) at {}, data in {}", nodes.size(), bootstrapServers(), dataDir);
        return this;
    }

    public String bootstrapServers() {
        return String.join(",", nodes.stream().map(n -> n.host() + ":" + n.brokerPort()).toList());
    }

    /**
     * Where the brokers talk to each other: the client listener, or on a secured cluster its PLAINTEXT
     * internal listener. For the cluster's own administration only.
     */
    public String internalBootstrapServers() {
        return String.join(",", nodes.stream().map(n -> n.host() + ":" + n.internalPort()).toList());
    }

    public Path dataDir() {
        return dataDir;
    }

    public int size() {
        return nodes.size();
    }

    public List<BrokerSettings> nodes() {
        return nodes;
    }

    /** Stops one node (1-based), as a broker loss; {@link #startNode(int)} brings it back on the same data. */
    public synchronized void stopNode(final int nodeId) {
        final KafkaRaftServer server = servers[nodeId - 1];
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            servers[nodeId - 1] = null;
        }
    }

    public void startNode(final int nodeId) {
        startNodeAt(nodeId - 1);
    }

    /** Not synchronized on purpose: the nodes of a quorum must start concurrently. */
    private void startNodeAt(final int index) {
        synchronized (this) {
            if (servers[index] != null) {
                return;
            }
        }
        final KafkaConfig config = KafkaConfig.fromProps(nodes.get(index).toProperties(), false);
        final KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        synchronized (this) {
            servers[index] = server;
        }
    }

    /** Admin client properties for this cluster, on the internal listener (no credentials needed). */
    private Map<String, Object> internalClientProperties() {
        final Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, internalBootstrapServers());
        return props;
    }

    /**
     * Stops every node at once: a broker's controlled shutdown needs a controller quorum, so stopping
     * nodes one after another would leave the last broker waiting for a quorum that is gone.
     */
    @Override
    public synchronized void close() {
        final List<Thread> stoppers = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            final KafkaRaftServer server = servers[i];
            servers[i] = null;
            if (server == null) {
                continue;
            }
            final int nodeId = i + 1;
            final Thread stopper = new Thread(() -> {
                try {
                    server.shutdown();
                    server.awaitShutdown();
                } catch (final RuntimeException e) {
                    LOG.warn("Kafka node {} did not shut down cleanly: {}", nodeId, e.toString());
                }
            }, "zumik-kafka-stop-" + nodeId);
            stopper.start();
            stoppers.add(stopper);
        }
        for (final Thread stopper : stoppers) {
            joinQuietly(stopper);
        }
        lock.close();
        if (temporary) {
            deleteRecursively(dataDir);
        }
    }

    private String clusterId() {
        final Path file = dataDir.resolve(CLUSTER_ID_FILE);
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            final String id = Uuid.randomUuid().toString();
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot read or write " + file, e);
        }
    }

    /**
     * Formats a node's storage once, with the SCRAM users in its first metadata; an already formatted
     * directory is kept as it is.
     */
    private static void format(final BrokerSettings node, final String clusterId) {
        if (Files.exists(node.logDir().resolve("meta.properties"))) {
            return;
        }
        try {
            Files.createDirectories(node.logDir());
            final Path propsFile = node.logDir().resolveSibling("server-" + node.nodeId() + ".properties");
            Files.writeString(propsFile, node.toPropertiesText(), StandardCharsets.UTF_8);
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            final int rc;
            try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                final List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", propsFile.toString()));
                node.security().scramUsers().forEach((user, password) -> args.addAll(List.of("--add-scram",
                        ListenerSecurity.SCRAM + "=[name=" + user + ",password=" + password + "]")));
                rc = StorageTool.execute(args.toArray(String[]::new), out);
            }
            if (rc != 0) {
                throw new IllegalStateException("Formatting " + node.logDir() + " failed: " + output.toString(StandardCharsets.UTF_8));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot prepare " + node.logDir(), e);
        }
    }

    private void awaitBrokers(final int expected, final Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        final Properties props = new Properties();
        props.putAll(internalClientProperties());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "4000");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                try {
                    final int registered = admin.describeCluster().nodes().get().size();
                    if (registered >= expected) {
                        return;
                    }
                } catch (final Exception notYet) {
                    // not ready yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka brokers not ready after " + timeout.toSeconds() + " s at "
                            + bootstrapServers());
                }
                sleep(100);
            }
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }

    private static void joinQuietly(final Thread thread) {
        try {
            thread.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    static void deleteRecursively(final Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException e) {
            LOG.warn("Cannot delete {}: {}", root, e.toString());
        }
    }

    /** Builder; defaults: one node on 127.0.0.1, free ports, temporary data directory. */
    public static final class Builder {
        private Path dataDir;
        private int brokers = 1;
        private int port;
        private int controllerPort;
        private String host = "127.0.0.1";
        private ListenerSecurity security = ListenerSecurity.plaintext();
        private final Map<String, String> overrides = new HashMap<>();

        private Builder() { }

        /** Data kept here across restarts; null for a temporary directory deleted on close. */
        public Builder dataDir(final Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder brokers(final int count) {
            if (count < 1) {
                throw new IllegalArgumentException("brokers must be >= 1, got " + count);
            }
            this.brokers = count;
            return this;
        }

        /** Client port of the first node (others follow); 0 picks free ports. */
        public Builder port(final int clientPort) {
            if (clientPort < 0 || clientPort > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + clientPort);
            }
            this.port = clientPort;
            return this;
        }

        /** Controller port of the first node (others follow); 0 picks free ports. */
        public Builder controllerPort(final int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("controller port must be 0..65535, got " + port);
            }
            this.controllerPort = port;
            return this;
        }

        public Builder host(final String address) {
            this.host = address;
            return this;
        }

        /** How the client listener is secured; PLAINTEXT by default. */
        public Builder security(final ListenerSecurity listenerSecurity) {
            this.security = listenerSecurity;
            return this;
        }

        /** Any broker property, applied last. */
        public Builder property(final String key, final String value) {
            overrides.put(key, value);
            return this;
        }

        public EmbeddedKafka build() {
            try {
                return new EmbeddedKafka(this);
            } catch (final IOException e) {
                throw new UncheckedIOException("Cannot create the Kafka data directory", e);
            }
        }
    }
}
