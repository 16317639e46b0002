package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.capture.CaptureAgent;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.schemas.avro.PurgeEvidence;
import dev.zumik.schemas.avro.RequestShape;
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
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code zumik purge} destroys a tenant's hash key under a running capture agent and publishes signed
 * evidence; the agent's next capture of the same prompt is hashed under a new key, unlinkable to the old.
 */
@ExtendWith(LocalStackExtension.class)
class PurgeIT {
    private static final String PROMPT = "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"system\",\"content\":\""
            + "You answer questions about the purge. ".repeat(40) + "\"},{\"role\":\"user\",\"content\":\"Same prompt, twice.\"}]}";

    @Test
    void shouldShredTheTenantKeyPublishSignedEvidenceAndMakeNewCapturesUnlinkable(final LocalStack stack, @TempDir final Path dir)
            throws Exception {
        // given a running capture agent that has captured one request of a tenant
        final String prefix = "purge-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        final Topics topics = Topics.create(stack.registryClient(), 1, prefix);
        try (Admin admin = Admin.create(stack.clientProperties())) {
            TopicsCommand.createAll(admin, topics, Optional.empty(), stack.registryClient());
        }
        final Vertx vertx = Vertx.vertx();
        final int upstream = ChildProcess.freePort();
        vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> r.response().putHeader("content-type", "application/json")
                .end("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}],"
                        + "\"usage\":{\"prompt_tokens\":400,\"completion_tokens\":1}}"))).listen(upstream, "127.0.0.1").await();
        final Path keys = dir.resolve("tenant-keys");
        SigningKeys.generate(dir.resolve("signing"));
        try (CaptureAgent agent = CaptureAgent.start(new CaptureSettings("127.0.0.1", 0,
                List.of(Upstream.parse("http://127.0.0.1:" + upstream + ",provider=openai")), "127.0.0.1", -1, CaptureSettings.DEFAULT_TENANT_HEADER,
                keys, CaptureSettings.DEFAULT_QUEUE_BYTES, CaptureSettings.DEFAULT_PARSE_LIMIT, 64, Optional.empty()),
                stack.clientProperties(), stack.registryClient(), topics.shapes().name())) {
            send(agent.port());
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.readCommitted(topics.shapes()).size() == 1);
            final RequestShape before = stack.readCommitted(topics.shapes()).get(0);
            assertThat(keys.resolve(before.getTenant()).resolve(before.getHashKeyId() + ".key")).exists();

            // when the tenant is purged
            final ZumikCommandTest.Run purge = ZumikCommandTest.run("purge", "--tenant", before.getTenant(), "--key-dir", keys.toString(),
                    "--signing-key", dir.resolve("signing/signing.key").toString(), "--kafka", stack.bootstrapServers(), "--registry",
                    stack.registryUrl(), "--topic-prefix", prefix, "--out", dir.resolve("purge.dsse.json").toString());

            // then the key is gone, and signed evidence of it is on the purge topic
            assertThat(purge.exitCode()).as(purge.err()).isZero();
            assertThat(purge.out()).contains("Purged tenant " + before.getTenant(), before.getHashKeyId());
            assertThat(keys.resolve(before.getTenant()).resolve(before.getHashKeyId() + ".key")).doesNotExist();
            final List<PurgeEvidence> evidence = stack.readCommitted(topics.purges());
            assertThat(evidence).hasSize(1);
            assertThat(evidence.get(0).getDestroyedKeyIds()).containsExactly(before.getHashKeyId());
            final Dsse.Opened opened = Dsse.open(evidence.get(0).getDsseEnvelope().getBytes(StandardCharsets.UTF_8),
                    SigningKeys.readPublic(dir.resolve("signing/signing.pub")));
            final JsonNode statement = new ObjectMapper().readTree(opened.payload());
            assertThat(statement.path("predicateType").asText()).isEqualTo("https://zumik.dev/purge/v1");
            assertThat(statement.path("predicate").path("tenant").asText()).isEqualTo(before.getTenant());
            assertThat(statement.path("predicate").path("destroyedKeyIds").get(0).asText()).isEqualTo(before.getHashKeyId());
            assertThat(Files.readString(dir.resolve("purge.dsse.json"))).isEqualTo(evidence.get(0).getDsseEnvelope());

            // and the same prompt captured again by the same, still running, agent is unlinkable to the old hashes
            Thread.sleep(1500);
            send(agent.port());
            await().atMost(Duration.ofSeconds(30)).until(() -> stack.readCommitted(topics.shapes()).size() == 2);
            final RequestShape after = stack.readCommitted(topics.shapes()).get(1);
            assertThat(after.getTenant()).isEqualTo(before.getTenant());
            assertThat(after.getHashedTokens()).isEqualTo(before.getHashedTokens());
            assertThat(after.getHashKeyId()).isNotEqualTo(before.getHashKeyId());
            final Set<Long> old = new HashSet<>(before.getBlockHashes());
            assertThat(after.getBlockHashes()).hasSameSizeAs(before.getBlockHashes()).doesNotContainAnyElementsOf(old);
        } finally {
            vertx.close().await();
        }
    }

    @Test
    void shouldDestroyNothingWhenTheEvidenceHasNowhereToGo(final LocalStack stack, @TempDir final Path dir) throws Exception {
        // given a tenant with a key, the purge topic, and a signing key
        final String prefix = "purge-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        final Topics topics = Topics.create(stack.registryClient(), 1, prefix);
        try (Admin admin = Admin.create(stack.clientProperties())) {
            TopicsCommand.createAll(admin, topics, Optional.empty(), stack.registryClient());
        }
        final Path keys = dir.resolve("tenant-keys");
        final String keyId = new dev.zumik.capture.keys.TenantKeyStore(keys).current("acme").keyId();
        final Path keyFile = keys.resolve("acme").resolve(keyId + ".key");
        SigningKeys.generate(dir.resolve("signing"));
        final String signing = dir.resolve("signing/signing.key").toString();
        final int closed = ChildProcess.freePort();

        // when the evidence file cannot be written, then when the registry cannot be reached
        final ZumikCommandTest.Run unwritable = ZumikCommandTest.run("purge", "--tenant", "acme", "--key-dir", keys.toString(), "--signing-key",
                signing, "--kafka", stack.bootstrapServers(), "--registry", stack.registryUrl(), "--topic-prefix", prefix, "--out",
                dir.resolve("no/such/dir/purge.json").toString());
        final ZumikCommandTest.Run noRegistry = ZumikCommandTest.run("purge", "--tenant", "acme", "--key-dir", keys.toString(), "--signing-key",
                signing, "--kafka", stack.bootstrapServers(), "--registry", "http://127.0.0.1:" + closed, "--topic-prefix", prefix);

        // then each is one line, and the key is still there
        assertThat(unwritable.exitCode()).isEqualTo(ZumikException.USAGE);
        assertThat(unwritable.err().strip()).endsWith("cannot write the evidence there (nothing was destroyed)");
        assertThat(noRegistry.exitCode()).as(noRegistry.err()).isEqualTo(ZumikException.FAILURE);
        assertThat(noRegistry.err().strip().lines()).hasSize(1);
        assertThat(noRegistry.err()).contains("cannot reach the schema registry", "nothing was destroyed");
        assertThat(keyFile).exists();

        // and once everything is in place, the purge destroys the key and keeps its evidence on disk by default
        final ZumikCommandTest.Run purge = ZumikCommandTest.run("purge", "--tenant", "acme", "--key-dir", keys.toString(), "--signing-key",
                signing, "--kafka", stack.bootstrapServers(), "--registry", stack.registryUrl(), "--topic-prefix", prefix);
        assertThat(purge.exitCode()).as(purge.err()).isZero();
        assertThat(keyFile).doesNotExist();
        try (java.util.stream.Stream<Path> files = Files.list(keys.resolve("purges"))) {
            assertThat(files.toList()).singleElement().satisfies(f -> assertThat(Files.readString(f))
                    .isEqualTo(stack.readCommitted(topics.purges()).get(0).getDsseEnvelope()));
        }
    }

    private static void send(final int port) throws Exception {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat/completions")).header("content-type", "application/json")
                .header("authorization", "Bearer sk-purge-test").POST(HttpRequest.BodyPublishers.ofString(PROMPT)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }

}
