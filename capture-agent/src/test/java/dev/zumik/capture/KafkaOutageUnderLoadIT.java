package dev.zumik.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.localstack.kafka.EmbeddedKafka;
import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Topics;
import io.micrometer.core.instrument.Counter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka fully down for 30 s while the proxy serves 200 requests a second, open loop (latency from each
 * request's intended send time): no client request fails; the p99 during the outage is reported
 * against the p99 before it; afterwards
 * published + dropped = captured, and no event id is published twice.
 */
class KafkaOutageUnderLoadIT {
    private static final int RATE = 200;
    private static final int WARMUP_S = 3;
    private static final int BEFORE_S = 5;
    private static final int OUTAGE_S = 30;
    private static final int AFTER_S = 5;

    @Test
    void shouldServeEveryRequestThroughAThirtySecondKafkaOutageAt200PerSecond(@TempDir final Path dir) throws Exception {
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).build().start(Duration.ofSeconds(60));
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
             ScriptedUpstream upstream = new ScriptedUpstream()) {
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("shapes", Optional.of(2), Optional.empty()))).all().get();
            }
            final SchemaRegistryClient registryClient = new SchemaRegistryClient(RegistrySettings.of(registry.url()));
            try (CaptureAgent agent = CaptureAgent.start(CaptureProxyIT.settings(upstream.url(), dir.resolve("keys")),
                    Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.create(registryClient).shapes().named("shapes"))) {
                final URI uri = URI.create("http://127.0.0.1:" + agent.port() + "/v1/chat/completions");
                final int warmup = RATE * WARMUP_S;
                final int total = warmup + RATE * (BEFORE_S + OUTAGE_S + AFTER_S);
                final long[] latencyMicros = new long[total];
                final AtomicInteger failed = new AtomicInteger();
                final List<CompletableFuture<?>> inFlight = new ArrayList<>();
                final long start = System.nanoTime() + 500_000_000L + WARMUP_S * 1_000_000_000L;   // the measured run's start

                // when Kafka stops after 5 s and comes back 30 s later, while requests keep coming at 200 a second
                final Thread outage = new Thread(() -> {
                    LockSupport.parkNanos(start + BEFORE_S * 1_000_000_000L - System.nanoTime());
                    kafka.stopNode(1);
                    LockSupport.parkNanos(start + (BEFORE_S + OUTAGE_S) * 1_000_000_000L - System.nanoTime());
                    kafka.startNode(1);
                }, "outage");
                outage.start();
                for (int i = 0; i < total; i++) {
                    final long intended = start + (i - warmup) * 1_000_000_000L / RATE;
                    LockSupport.parkNanos(intended - System.nanoTime());
                    final int index = i;
                    inFlight.add(http.sendAsync(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(CaptureProxyIT.chatBody(false, "q" + i))).build(),
                            HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                                latencyMicros[index] = (System.nanoTime() - intended) / 1000;
                                if (error != null || response.statusCode() != 200) {
                                    failed.incrementAndGet();
                                }
                            }));
                }
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).handle((v, e) -> null).join();
                outage.join();
                await().atMost(Duration.ofSeconds(120)).until(() -> agent.publisher().pendingShapes() == 0);

                // then
                final double p99Before = p99(latencyMicros, warmup, warmup + RATE * BEFORE_S);
                final double p99During = p99(latencyMicros, warmup + RATE * BEFORE_S, warmup + RATE * (BEFORE_S + OUTAGE_S));
                final double p99After = p99(latencyMicros, warmup + RATE * (BEFORE_S + OUTAGE_S), total);
                System.out.printf("Kafka outage under load: %d requests at %d/s after %d s of warm-up, %d failed; client latency p99 "
                                + "(JSON, instant upstream) before %.2f ms, during the 30 s outage %.2f ms (%+.2f ms), after %.2f ms%n",
                        total - warmup, RATE, WARMUP_S, failed.get(), p99Before, p99During, p99During - p99Before, p99After);
                assertThat(failed.get()).isZero();
                final double captured = agent.meters().get("zumik_capture_shapes_captured").counter().count();
                final double published = agent.meters().get("zumik_capture_shapes_published").counter().count();
                final double dropped = agent.meters().find("zumik_capture_shapes_dropped").counters().stream()
                        .mapToDouble(Counter::count).sum();
                assertThat(captured).isEqualTo(total);
                assertThat(published + dropped).isEqualTo(captured);
                final List<String> ids = KafkaOutageIT.eventIds(kafka.bootstrapServers(), registryClient, (int) published);
                assertThat(ids).hasSize((int) published);
                assertThat(new HashSet<>(ids)).hasSize(ids.size());
            }
        }
    }

    private static double p99(final long[] micros, final int from, final int to) {
        final long[] sorted = Arrays.copyOfRange(micros, from, to);
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(0.99 * sorted.length) - 1] / 1000.0;
    }
}
