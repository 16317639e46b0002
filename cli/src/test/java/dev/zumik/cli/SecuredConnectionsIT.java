package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.RecentTime;
import dev.zumik.localstack.kafka.EmbeddedKafka;
import dev.zumik.localstack.kafka.ListenerSecurity;
import dev.zumik.localstack.registry.EmbeddedSchemaRegistry;
import dev.zumik.localstack.registry.RegistryServerSecurity;
import dev.zumik.localstack.tls.Keytool;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zumik's components as deployed, each its own process, against a Kafka that accepts only SASL_SSL with
 * SCRAM-SHA-512 or only mutual TLS, and a registry that accepts only HTTPS with basic auth; every
 * setting comes from a {@code --config} file. Wrong or missing credentials fail with one clear line, so
 * the secured paths are really the ones in use.
 */
class SecuredConnectionsIT {
    private static final String STORE_PASSWORD = "store-pass";
    private static final String LANE = "openai/gpt-4.1/chat";

    @Test
    void shouldCaptureAndAnalyseOverSaslSslScramWithAnHttpsRegistryBehindBasicAuth(@TempDir final Path dir) throws Exception {
        // given a broker accepting SCRAM-SHA-512 over TLS only, and `zumik registry` serving HTTPS behind basic auth
        final Path brokerKey = Keytool.keyPair(dir, "broker", STORE_PASSWORD);
        final Path registryKey = Keytool.keyPair(dir, "registry", STORE_PASSWORD);
        final Path clientTrust = Keytool.trustStore(dir, "client-trust", STORE_PASSWORD, STORE_PASSWORD, brokerKey, registryKey);
        final Map<String, String> users = Map.of("zumik", "scram-secret-1");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().security(ListenerSecurity.saslSslScram(
                new ListenerSecurity.TlsStores(brokerKey, STORE_PASSWORD, null, null), users)).build().start(Duration.ofSeconds(90))) {
            final Map<String, String> kafkaClient = new LinkedHashMap<>();
            kafkaClient.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            kafkaClient.put("kafka.security.protocol", "SASL_SSL");
            kafkaClient.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
            kafkaClient.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"zumik\" password=\"scram-secret-1\";");
            kafkaClient.put("kafka.ssl.truststore.location", clientTrust.toString());
            kafkaClient.put("kafka.ssl.truststore.password", STORE_PASSWORD);
            final int registryPort = ChildProcess.freePort();
            Files.writeString(dir.resolve("registry.password"), STORE_PASSWORD + "\n");
            Files.writeString(dir.resolve("registry.users"), "# user:password\nzumik:registry-secret-2\n");
            final Map<String, String> client = new LinkedHashMap<>(kafkaClient);
            client.put("registry.schema.registry.url", "https://127.0.0.1:" + registryPort);
            client.put("registry.basic.auth.credentials.source", "USER_INFO");
            client.put("registry.basic.auth.user.info", "zumik:registry-secret-2");
            client.put("registry.schema.registry.ssl.truststore.location", clientTrust.toString());
            client.put("registry.schema.registry.ssl.truststore.password", STORE_PASSWORD);
            final Path config = properties(dir.resolve("zumik.properties"), client);
            final List<Process> children = new ArrayList<>();
            final Vertx vertx = Vertx.vertx();
            try {
                children.add(ChildProcess.zumik(dir.resolve("registry.log"), List.of("registry", "--config", config.toString(),
                        "--port", Integer.toString(registryPort), "--tls-keystore", registryKey.toString(),
                        "--tls-password-file", dir.resolve("registry.password").toString(),
                        "--users-file", dir.resolve("registry.users").toString())));
                ChildProcess.awaitPort(registryPort, 60);

                // when topics are created, and the capture agent and the streams app run, all from the config file
                final ZumikCommandTest.Run create = ZumikCommandTest.run("topics", "create", "--config", config.toString());
                assertThat(create.exitCode()).as(create.err()).isZero();
                assertThat(create.out()).contains("created  zumik.shapes.v1", "schema   zumik.shapes.v1-value");
                final int upstream = ChildProcess.freePort();
                vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> r.response().putHeader("content-type", "application/json")
                        .end("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}],"
                                + "\"usage\":{\"prompt_tokens\":700,\"completion_tokens\":1}}"))).listen(upstream, "127.0.0.1").await();
                final int proxyPort = ChildProcess.freePort();
                children.add(ChildProcess.zumik(dir.resolve("capture.log"), List.of("capture", "--config", config.toString(),
                        "--upstream", "http://127.0.0.1:" + upstream + ",provider=openai", "--listen", "127.0.0.1:" + proxyPort,
                        "--admin", "off", "--key-dir", dir.resolve("keys").toString())));
                children.add(ChildProcess.zumik(dir.resolve("streams.log"), List.of("streams", "--config", config.toString(),
                        "--state-dir", dir.resolve("state").toString(),
                        "--window", "1s", "--grace", "0s", "--api", "off")));
                ChildProcess.awaitPort(proxyPort, 60);
                final HttpClient http = HttpClient.newHttpClient();
                for (int i = 0; i < 20; i++) {
                    send(http, proxyPort, i);
                    Thread.sleep(100);
                }
                // one more, later, advances stream time past the 1 s windows of the first twenty, which then close
                Thread.sleep(2500);
                send(http, proxyPort, 20);

                // then every shape reached Kafka over SCRAM, and the streams app's committed statistics count all of them (the last
                // one's window closed by the clock once no shape came)
                final SchemaRegistryClient registry = new SchemaRegistryClient(RegistrySettings.fromConfig(stripped(client, "registry.")));
                final Topics topics = Topics.create(registry);
                final Map<String, Object> consumer = new HashMap<>(stripped(kafkaClient, "kafka."));
                await().atMost(Duration.ofSeconds(60)).until(() -> LocalStack.readCommitted(consumer, topics.shapes()).size() == 21);
                assertThat(LocalStack.readCommitted(consumer, topics.shapes())).extracting(s -> s.getLane().getModel() + " " + s.getHttpStatus())
                        .containsOnly("gpt-4.1 200");
                await().atMost(Duration.ofSeconds(90)).until(() -> LocalStack.readCommitted(consumer, topics.laneStats()).stream()
                        .mapToLong(LaneWindowStats::getRequests).sum() == 21);

                // and the registry refuses a client without its credentials, with one line saying so
                final Map<String, String> anonymous = new LinkedHashMap<>(client);
                anonymous.remove("registry.basic.auth.user.info");
                final ZumikCommandTest.Run unauthorized = ZumikCommandTest.run("topics", "create", "--config",
                        properties(dir.resolve("anonymous.properties"), anonymous).toString());
                assertThat(unauthorized.exitCode()).isEqualTo(1);
                assertThat(unauthorized.err().strip()).doesNotContain("\n").contains("401", "Unauthorized");
            } finally {
                for (final Process child : children) {
                    child.destroy();
                    child.waitFor(60, TimeUnit.SECONDS);
                }
                vertx.close().await();
            }

            // and a wrong SCRAM password, or no registry credentials, fail with one line saying so
            final Map<String, String> wrongPassword = new LinkedHashMap<>(client);
            wrongPassword.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                    + "username=\"zumik\" password=\"not-the-password\";");
            final ZumikCommandTest.Run refused = ZumikCommandTest.run("topics", "list", "--config",
                    properties(dir.resolve("wrong.properties"), wrongPassword).toString());
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err().strip()).doesNotContain("\n").contains("refused the connection", "Authentication failed");
            assertThat(refused.err()).doesNotContain("not-the-password");
        }
    }

    @Test
    void shouldImportAndExportOverMutualTlsAndRefuseAClientWithoutACertificate(@TempDir final Path dir) throws Exception {
        // given a broker requiring client certificates, trusting only the client's
        final Path brokerKey = Keytool.keyPair(dir, "broker", STORE_PASSWORD);
        final Path clientKey = Keytool.keyPair(dir, "client", STORE_PASSWORD);
        final Path stranger = Keytool.keyPair(dir, "stranger", STORE_PASSWORD);
        final Path brokerTrust = Keytool.trustStore(dir, "broker-trust", STORE_PASSWORD, STORE_PASSWORD, clientKey);
        final Path clientTrust = Keytool.trustStore(dir, "client-trust", STORE_PASSWORD, STORE_PASSWORD, brokerKey);
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().security(ListenerSecurity.mutualTls(
                new ListenerSecurity.TlsStores(brokerKey, STORE_PASSWORD, brokerTrust, STORE_PASSWORD))).build().start(Duration.ofSeconds(90))) {
            final Map<String, String> client = new LinkedHashMap<>();
            client.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            client.put("kafka.security.protocol", "SSL");
            client.put("kafka.ssl.truststore.location", clientTrust.toString());
            client.put("kafka.ssl.truststore.password", STORE_PASSWORD);
            client.put("kafka.ssl.keystore.location", clientKey.toString());
            client.put("kafka.ssl.keystore.password", STORE_PASSWORD);
            client.put("kafka.ssl.key.password", STORE_PASSWORD);
            try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0, "_schemas",
                    stripped(client, "kafka."), RegistryServerSecurity.none())) {
                client.put("registry.schema.registry.url", registry.url());
                final Path config = properties(dir.resolve("zumik.properties"), client);
                final Path trace = dir.resolve("trace.jsonl");
                final Instant start = RecentTime.yesterdayMidnight();
                Files.writeString(trace, """
                        {"timestamp": 0, "input_length": 1100, "output_length": 10, "hash_ids": [1, 2, 3]}
                        {"timestamp": 500, "input_length": 1500, "output_length": 12, "hash_ids": [1, 2, 4]}
                        {"timestamp": 900, "input_length": 600, "output_length": 8, "hash_ids": [5, 6]}
                        """);

                // when a trace is imported and exported back with the client certificate
                assertThat(ZumikCommandTest.run("topics", "create", "--config", config.toString()).exitCode()).isZero();
                final ZumikCommandTest.Run imported = ZumikCommandTest.run("import", "mooncake", trace.toString(), "--lane", LANE,
                        "--start", start.toString(), "--config", config.toString(), "--key-dir", dir.resolve("keys").toString());
                final ZumikCommandTest.Run exported = ZumikCommandTest.run("export", "mooncake", "--lane", LANE,
                        "--from", start.toString(), "--to", start.plusSeconds(60).toString(), "--config", config.toString());

                // then the window comes back whole
                assertThat(imported.exitCode()).as(imported.err()).isZero();
                assertThat(exported.exitCode()).as(exported.err()).isZero();
                assertThat(exported.out().lines().toList()).hasSize(3).satisfies(lines -> {
                    assertThat(lines.get(0)).contains("\"input_length\":1100", "\"hash_ids\":[0,1,2]");
                    assertThat(lines.get(1)).contains("\"input_length\":1500", "\"hash_ids\":[0,1,3]");
                    assertThat(lines.get(2)).contains("\"input_length\":600", "\"hash_ids\":[4,5]");
                });

                // and a client with no certificate, or one the broker does not trust, is refused with one line
                for (final String missing : List.of("none", "stranger")) {
                    final Map<String, String> without = new LinkedHashMap<>(client);
                    if (missing.equals("none")) {
                        without.keySet().removeIf(k -> k.startsWith("kafka.ssl.key"));
                    } else {
                        without.put("kafka.ssl.keystore.location", stranger.toString());
                    }
                    final ZumikCommandTest.Run refused = ZumikCommandTest.run("topics", "list", "--config",
                            properties(dir.resolve(missing + ".properties"), without).toString());
                    assertThat(refused.exitCode()).as(missing).isEqualTo(1);
                    assertThat(refused.err().strip()).as(missing).doesNotContain("\n").contains("refused the connection");
                }
            }
        }
    }

    private static void send(final HttpClient http, final int proxyPort, final int i) throws Exception {
        final HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxyPort + "/v1/chat/completions"))
                .header("content-type", "application/json").header("authorization", "Bearer sk-secured-test")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"" + "Same long question. ".repeat(100) + i + "\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
    }

    private static Path properties(final Path file, final Map<String, String> values) throws Exception {
        final StringBuilder text = new StringBuilder();
        values.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static Map<String, Object> stripped(final Map<String, String> values, final String prefix) {
        return values.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).collect(Collectors.toMap(
                e -> e.getKey().substring(prefix.length()), Map.Entry::getValue));
    }
}
