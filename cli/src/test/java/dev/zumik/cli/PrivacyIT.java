package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.shape.ExchangeParser;
import dev.zumik.capture.shape.ShapeBuilder;
import dev.zumik.core.prompt.Dialect;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import dev.zumik.schemas.topics.Topics;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary strings in prompts, completions and credentials go through the capture proxy and the streams
 * app, each its own process as deployed: none appears in any topic (internal ones included), state
 * directory or log; and hashing the same prompts without the tenant's key matches none of the
 * captured hashes, while hashing them with it matches (so the check can fail).
 */
@ExtendWith(LocalStackExtension.class)
class PrivacyIT {

    @Test
    void shouldLeakNoCanaryAnywhereAndKeepHashesUnguessableWithoutTheTenantKey(final LocalStack stack, @TempDir final Path dir)
            throws Exception {
        // given canaries, an upstream that answers with the completion canary, and capture + streams as processes
        final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        final String promptCanary = "ZUMIK-CANARY-PROMPT-" + id;
        final String completionCanary = "ZUMIK-CANARY-COMPLETION-" + id;
        final String credentialCanary = "sk-zumik-canary-credential-" + id;
        final String run = UUID.randomUUID().toString().substring(0, 8);   // names topics; unrelated to the canaries
        final String prefix = "privacy-" + run + ".";
        final Topics topics = Topics.create(stack.registryClient(), 3, prefix);
        try (Admin admin = Admin.create(stack.clientProperties())) {
            TopicsCommand.createAll(admin, topics, Optional.empty(), stack.registryClient());
        }
        final Vertx vertx = Vertx.vertx();
        final int upstreamPort = ChildProcess.freePort();
        vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> request.response()
                .putHeader("content-type", "application/json")
                .end("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"message\":"
                        + "{\"role\":\"assistant\",\"content\":\"" + completionCanary + " is the answer\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":1100,\"completion_tokens\":9,\"prompt_tokens_details\":{\"cached_tokens\":1024}}}")))
                .listen(upstreamPort, "127.0.0.1").await();
        final int proxyPort = ChildProcess.freePort();
        final Path keys = dir.resolve("capture-keys");
        final List<String> connection = List.of("--kafka", stack.bootstrapServers(), "--registry", stack.registryUrl());
        final List<Process> children = new ArrayList<>();
        final List<String> requests = new ArrayList<>();
        try {
            children.add(ChildProcess.zumik(dir.resolve("capture.log"), concat(List.of("capture", "--upstream",
                    "http://127.0.0.1:" + upstreamPort + ",provider=openai", "--listen", "127.0.0.1:" + proxyPort, "--admin", "off",
                    "--key-dir", keys.toString(), "--topic", topics.shapes().name()), connection)));
            children.add(ChildProcess.zumik(dir.resolve("streams.log"), concat(List.of("streams", "--topic-prefix", prefix, "--application-id",
                    "privacy-" + run, "--state-dir", dir.resolve("state").toString(), "--window", "1s", "--grace", "0s", "--api", "off"), connection)));
            ChildProcess.awaitPort(proxyPort, 60);

            // when requests with the canaries go through the proxy for a few seconds
            final HttpClient http = HttpClient.newHttpClient();
            final String system = "You are a careful assistant. ".repeat(150);
            for (int i = 0; i < 40; i++) {
                final String body = "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"system\",\"content\":\"" + system + "\"},"
                        + "{\"role\":\"user\",\"content\":\"Request " + i + ": what does " + promptCanary + " mean?\"}]}";
                requests.add(body);
                final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/v1/chat/completions"))
                        .header("content-type", "application/json").header("authorization", "Bearer " + credentialCanary)
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains(completionCanary);
                Thread.sleep(150);
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> !records(stack, topics.laneStats().name()).isEmpty());
        } finally {
            for (final Process child : children) {
                child.destroy();
                child.waitFor(60, TimeUnit.SECONDS);
            }
            vertx.close().await();
        }

        // then no canary in any topic, internal ones included
        final List<String> canaries = List.of(promptCanary, completionCanary, credentialCanary, id);
        final Set<String> allTopics;
        try (Admin admin = Admin.create(stack.clientProperties())) {
            allTopics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        }
        long recordsScanned = 0;
        for (final String topic : allTopics) {
            for (final ConsumerRecord<byte[], byte[]> record : records(stack, topic)) {
                recordsScanned++;
                assertNoCanary(canaries, topic + " key", record.key());
                assertNoCanary(canaries, topic + " value", record.value());
            }
        }
        assertThat(recordsScanned).isGreaterThan(40);
        // nor in the streams app's state directory, nor in either process's log
        try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
            for (final Path file : files.filter(Files::isRegularFile).toList()) {
                assertNoCanary(canaries, file.toString(), Files.readAllBytes(file));
            }
        }
        for (final String log : List.of("capture.log", "streams.log")) {
            final byte[] bytes = Files.readAllBytes(dir.resolve(log));
            assertThat(bytes.length).as(log).isPositive();
            assertNoCanary(canaries, log, bytes);
        }

        // and the same prompts hashed without the tenant's key match none of the captured hashes
        final Set<Long> captured = new HashSet<>();
        final List<RequestShape> shapes = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> record : records(stack, topics.shapes().name())) {
            final RequestShape shape = topics.shapes().valueSerde().deserializer().deserialize(topics.shapes().name(), record.value());
            shapes.add(shape);
            captured.addAll(shape.getBlockHashes());
        }
        assertThat(shapes).hasSize(requests.size());
        final String tenant = shapes.get(0).getTenant();
        assertThat(tenant).startsWith("key-");
        final Set<Long> withoutKey = new HashSet<>();
        final Set<Long> withKey = new HashSet<>();
        for (final String request : requests) {
            withoutKey.addAll(hashes(new TenantKeyStore(Files.createTempDirectory(dir, "other-key")), tenant, request));
            withKey.addAll(hashes(new TenantKeyStore(keys), tenant, request));
        }
        assertThat(withoutKey).hasSizeGreaterThan(40).doesNotContainAnyElementsOf(captured);
        assertThat(captured).containsAll(withKey);
    }

    /** The block hashes the proxy's own shaping code gives a request under a key store's key for the tenant. */
    private static List<Long> hashes(final TenantKeyStore keys, final String tenant, final String request) {
        return new ShapeBuilder(keys, ShapeBuilder.DEFAULT_BLOCK_SIZE, Optional.empty()).build(
                ExchangeParser.parse(Dialect.OPENAI_CHAT, request.getBytes(StandardCharsets.UTF_8), null),
                new ShapeBuilder.Context(tenant, "openai", "/v1/chat/completions", Instant.now(), null, null, 200, ShapeSource.PROXY))
                .getBlockHashes();
    }

    private static void assertNoCanary(final List<String> canaries, final String where, final byte[] bytes) {
        if (bytes == null) {
            return;
        }
        final String text = new String(bytes, StandardCharsets.ISO_8859_1);
        for (final String canary : canaries) {
            assertThat(text).as(where).doesNotContain(canary);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(final LocalStack stack, final String topic) {
        final Map<String, Object> props = new HashMap<>(stack.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        final List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static List<String> concat(final List<String> a, final List<String> b) {
        final List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
