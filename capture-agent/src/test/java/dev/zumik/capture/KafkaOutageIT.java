package dev.zumik.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.localstack.kafka.EmbeddedKafka;
import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.topics.Topics;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka stops mid-run under the proxy: no client request fails, shapes wait in the bounded queue
 * (and beyond the bound are dropped and counted), and after recovery every queued shape is
 * published exactly once: published + dropped = captured, no duplicate event ids.
 */
class KafkaOutageIT {

    @Test
    void shouldKeepServingThroughAKafkaOutageAndAccountForEveryShape(@TempDir final Path dir) throws Exception {
        // given: a broker of this test's own, so it can be stopped
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).build().start(Duration.ofSeconds(60));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
             ScriptedUpstream upstream = new ScriptedUpstream()) {
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("shapes", Optional.of(2), Optional.empty()))).all().get();
            }
            final CaptureSettings base = CaptureProxyIT.settings(upstream.url(), dir.resolve("keys"));
            // room for about 40 shapes of this size while Kafka is away
            final CaptureSettings settings = base.withAdmin(base.adminHost(), -1).withQueueBytes(16 * 1024);
            final SchemaRegistryClient registryClient = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
            final int failed;
            final Counter published;
            try (CaptureAgent agent = CaptureAgent.start(settings, Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    Topics.create(registryClient).shapes().named("shapes"))) {
                final URI uri = URI.create("http://127.0.0.1:" + agent.port() + "/v1/chat/completions");
                int errors = send(http, uri, 20);
                published = agent.meters().get("zumik_capture_shapes_published").counter();
                await().atMost(Duration.ofSeconds(30)).until(() -> published.count() >= 20);

                // when: Kafka goes away while traffic continues
                kafka.stopNode(1);
                errors += send(http, uri, 80);
                await().atMost(Duration.ofSeconds(10)).until(
                        () -> agent.meters().get("zumik_capture_shapes_captured").counter().count() == 100);
                final double droppedDuringOutage = dropped(agent);
                kafka.startNode(1);
                await().atMost(Duration.ofSeconds(90)).until(() -> agent.publisher().pendingShapes() == 0);
                failed = errors;

                // then
                final double captured = agent.meters().get("zumik_capture_shapes_captured").counter().count();
                assertThat(captured).isEqualTo(100);
                assertThat(droppedDuringOutage).as("the queue bound must have been hit").isPositive();
                assertThat(published.count() + dropped(agent)).isEqualTo(captured);
                assertThat(failed).isZero();
                final List<String> ids = eventIds(kafka.bootstrapServers(), registryClient, (int) published.count());
                assertThat(ids).hasSize((int) published.count());
                assertThat(new HashSet<>(ids)).hasSize(ids.size());
            }
        }
    }

    @Test
    void shouldQueueWhileKafkaAndTheRegistryAreNotUpYetAndDrainOnceTheyAre(@TempDir final Path dir) throws Exception {
        // given: ports reserved for a Kafka and a registry that are not running yet
        final int kafkaPort = freePort();
        // The registry's port stays bound, not listening, until Kafka is up: a connection is refused as by a registry
        // that is down, and the ports Kafka picks for itself meanwhile cannot be this one.
        final Socket registryPortHold = new Socket();
        registryPortHold.bind(new InetSocketAddress("127.0.0.1", 0));
        final int registryPort = registryPortHold.getLocalPort();
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ScriptedUpstream upstream = new ScriptedUpstream()) {
            final CaptureSettings settings = CaptureProxyIT.settings(upstream.url(), dir.resolve("keys"));
            final SchemaRegistryClient registryClient = new SchemaRegistryClient(RegistrySettings.fromConfig(Map.of(
                    RegistrySettings.URL, "http://127.0.0.1:" + registryPort, RegistrySettings.MAX_RETRIES, "0")));
            try (CaptureAgent agent = CaptureAgent.start(settings, Map.of("bootstrap.servers", "127.0.0.1:" + kafkaPort),
                    Topics.create(registryClient).shapes().named("shapes"))) {
                final URI uri = URI.create("http://127.0.0.1:" + agent.port() + "/v1/chat/completions");

                // when: traffic before Kafka exists
                final int errors = send(http, uri, 30);
                // (the last shape may still be on its way to the worker pool when the client has its answer)
                await().atMost(Duration.ofSeconds(10)).until(() -> agent.publisher().pendingShapes() == 30);
                assertThat(agent.publisher().kafkaHealthy()).isFalse();

                // then Kafka and the registry come up
                try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).port(kafkaPort).build()
                        .start(Duration.ofSeconds(60));
                     EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), release(registryPortHold))) {
                    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                        admin.createTopics(List.of(new NewTopic("shapes", Optional.of(1), Optional.empty()))).all().get();
                    }
                    await().atMost(Duration.ofSeconds(90)).until(() -> agent.publisher().pendingShapes() == 0);

                    // then
                    assertThat(errors).isZero();
                    assertThat(agent.meters().get("zumik_capture_shapes_published").counter().count()).isEqualTo(30);
                    assertThat(dropped(agent)).isZero();
                    final List<String> ids = eventIds(kafka.bootstrapServers(), registryClient, 30);
                    assertThat(ids).hasSize(30).doesNotHaveDuplicates();
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Frees a held port for its server; returns it. */
    private static int release(final Socket hold) throws IOException {
        final int port = hold.getLocalPort();
        hold.close();
        return port;
    }

    private static double dropped(final CaptureAgent agent) {
        return agent.meters().find("zumik_capture_shapes_dropped").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static int send(final HttpClient http, final URI uri, final int count) throws Exception {
        int errors = 0;
        for (int i = 0; i < count; i++) {
            final HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CaptureProxyIT.chatBody(i % 2 == 0, "q" + i))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                errors++;
            }
        }
        return errors;
    }

    /** Every event id on the "shapes" topic, read until a while after the expected count: a duplicate shows as one record too many. */
    static List<String> eventIds(final String bootstrap, final SchemaRegistryClient registry, final int expected) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "outage-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final List<String> ids = new ArrayList<>();
        try (KafkaConsumer<String, RequestShape> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ConfluentAvroDeserializer<>(registry, RequestShape.class))) {
            consumer.subscribe(Set.of("shapes"));
            final long deadline = System.currentTimeMillis() + 60_000;
            // read past the expected count for a while: a duplicate would show up as one record too many
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (final ConsumerRecord<String, RequestShape> r : consumer.poll(Duration.ofMillis(200))) {
                    ids.add(r.value().getEventId());
                }
                if (ids.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 2000;
                }
            }
        }
        return ids;
    }
}
