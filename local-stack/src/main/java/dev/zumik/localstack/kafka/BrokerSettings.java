package dev.zumik.localstack.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Server properties of one node of a local KRaft cluster (each node both broker and controller). The
 * same properties run in-process ({@link EmbeddedKafka}) or as a broker JVM of its own
 * ({@code java -cp ... kafka.Kafka server.properties}).
 *
 * @param nodeId          KRaft node id, 1-based
 * @param host            address to bind and advertise, 127.0.0.1 by default
 * @param brokerPorts     client port of every node, by node index
 * @param controllerPorts controller port of every node, by node index
 * @param internalPorts   broker-to-broker (PLAINTEXT) port of every node when the client listener is secured, else empty
 * @param security        how the client listener is secured
 * @param logDir          this node's data directory
 * @param overrides       extra broker properties, applied last
 */
public record BrokerSettings(int nodeId, String host, List<Integer> brokerPorts, List<Integer> controllerPorts,
                             List<Integer> internalPorts, ListenerSecurity security, Path logDir, Map<String, String> overrides) {
    private static final String CLIENT = "CLIENT";
    private static final String INTERNAL = "INTERNAL";

    public BrokerSettings {
        brokerPorts = List.copyOf(brokerPorts);
        controllerPorts = List.copyOf(controllerPorts);
        internalPorts = List.copyOf(internalPorts);
        overrides = Map.copyOf(overrides);
        if (security.secured() && internalPorts.size() != brokerPorts.size()) {
            throw new IllegalArgumentException("a secured client listener needs an internal port per node");
        }
    }

    public int nodes() {
        return brokerPorts.size();
    }

    public int brokerPort() {
        return brokerPorts.get(nodeId - 1);
    }

    public Properties toProperties() {
        final int nodes = nodes();
        final int replication = Math.min(3, nodes);
        final int minIsr = nodes >= 3 ? 2 : 1;
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        final List<String> voters = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            voters.add((i + 1) + "@" + host + ":" + controllerPorts.get(i));
        }
        p.put("controller.quorum.voters", String.join(",", voters));
        p.put("controller.listener.names", "CONTROLLER");
        p.putAll(listeners());
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", Integer.toString(replication));
        p.put("min.insync.replicas", Integer.toString(minIsr));
        p.put("offsets.topic.replication.factor", Integer.toString(replication));
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", Integer.toString(replication));
        p.put("transaction.state.log.min.isr", Integer.toString(minIsr));
        p.put("transaction.state.log.num.partitions", "10");
        p.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
        p.put("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
        // A local cluster has its members at once: no reason to wait for more before the first rebalance.
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.streams.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose (zumik topics create, Streams' own admin), so typos surface.
        p.put("auto.create.topics.enable", "false");
        // Unfencing waits for a heartbeat: a short interval gets a local broker serving sooner.
        p.put("broker.heartbeat.interval.ms", "200");
        // The default 128 MiB cleaner buffer costs ~0.4 s to allocate at start; a local broker compacts little.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
        p.putAll(overrides);
        final Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /** The client listener, plus an internal PLAINTEXT one for broker-to-broker traffic when the client listener is secured. */
    private Map<String, String> listeners() {
        final Map<String, String> p = new LinkedHashMap<>();
        final String controller = ",CONTROLLER://" + host + ":" + controllerPorts.get(nodeId - 1);
        if (!security.secured()) {
            p.put("listeners", "PLAINTEXT://" + host + ":" + brokerPort() + controller);
            p.put("advertised.listeners", "PLAINTEXT://" + host + ":" + brokerPort());
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            return p;
        }
        final String client = CLIENT + "://" + host + ":" + brokerPort();
        final String internal = INTERNAL + "://" + host + ":" + internalPort();
        p.put("listeners", client + "," + internal + controller);
        p.put("advertised.listeners", client + "," + internal);
        p.put("listener.security.protocol.map", CLIENT + ":" + security.protocol() + "," + INTERNAL + ":PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", INTERNAL);
        final String prefix = "listener.name." + CLIENT.toLowerCase(Locale.ROOT) + ".";
        security.listener().forEach((k, v) -> p.put(prefix + k, v));
        return p;
    }

    /** The broker-to-broker port of this node; only a secured cluster has one apart from the client port. */
    public int internalPort() {
        return security.secured() ? internalPorts.get(nodeId - 1) : brokerPort();
    }

    /** The properties as a server.properties text, in a stable order. */
    public String toPropertiesText() {
        final Properties props = toProperties();
        return props.stringPropertyNames().stream().sorted()
                .map(k -> k + "=" + props.getProperty(k))
                .collect(Collectors.joining("\n", "# Zumik local KRaft node " + nodeId + "\n", "\n"));
    }
}
