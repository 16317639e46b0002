package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.capture.CaptureAgent;
import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.capture.proxy.Upstream;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.InToto;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.replay.worker.DrillRecords;
import dev.zumik.schemas.avro.PurgeEvidence;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.sim.http.SimServer;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.sim.profile.SimProfile;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        final PrefixedTopics created = PrefixedTopics.create(stack, "purge", 1);
        final String prefix = created.prefix();
        final Topics topics = created.topics();
        final Vertx vertx = Vertx.vertx();
        final int upstream = ChildProcess.freePort();
        vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> r.response().putHeader("content-type", "application/json")
                .end("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}],"
                        + "\"usage\":{\"prompt_tokens\":400,\"completion_tokens\":1}}"))).listen(upstream, "127.0.0.1").await();
        final Path keys = dir.resolve("tenant-keys");
        SigningKeys.generate(dir.resolve("signing"));
        try (CaptureAgent agent = CaptureAgent.start(CaptureSettings.defaults(
                List.of(Upstream.parse("http://127.0.0.1:" + upstream + ",provider=openai")), keys),
                stack.clientProperties(), topics.shapes())) {
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
        final PrefixedTopics created = PrefixedTopics.create(stack, "purge", 1);
        final String prefix = created.prefix();
        final Topics topics = created.topics();
        final Path keys = dir.resolve("tenant-keys");
        final String keyId = new TenantKeyStore(keys).current("acme").keyId();
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
        try (Stream<Path> files = Files.list(keys.resolve("purges"))) {
            assertThat(files.toList()).singleElement().satisfies(f -> assertThat(Files.readString(f))
                    .isEqualTo(stack.readCommitted(topics.purges()).get(0).getDsseEnvelope()));
        }
    }

    @Test
    void shouldRunADeletionDrillSignItsEvidenceAndPublishItBesideTheKeyPurges(final LocalStack stack, @TempDir final Path dir) throws Exception {
        // given the purge topic, a signing key, and two dynamo candidates on the simulator: one whose resets work, one whose
        // device-cache resets answer success and do nothing
        final PrefixedTopics created = PrefixedTopics.create(stack, "drill", 1);
        final String prefix = created.prefix();
        final Topics topics = created.topics();
        SigningKeys.generate(dir.resolve("signing"));
        final SimProfile dynamo = Profiles.load("dynamo", Optional.empty());
        final SimProfile broken = dynamo.withFaults(dynamo.faults().withIgnoredResets(List.of("hbm")));
        try (SimServer good = SimServer.start(dynamo, "127.0.0.1", 0);
             SimServer bad = SimServer.start(broken, "127.0.0.1", 0)) {
            // when each is drilled, every surface on the simulator's one port
            final ZumikCommandTest.Run confirmed = drill(stack, dir, prefix, good.port(), dir.resolve("good.dsse.json"));
            final ZumikCommandTest.Run refused = drill(stack, dir, prefix, bad.port(), dir.resolve("bad.dsse.json"));

            // then the working one is confirmed (exit 0), the broken one is not (exit 1, the tier and engine named), and both are evidence
            assertThat(confirmed.exitCode()).as(confirmed.err() + confirmed.out()).isZero();
            assertThat(confirmed.out()).contains("Deletion confirmed on every tier of dynamo");
            assertThat(refused.exitCode()).isEqualTo(ZumikException.FAILURE);
            assertThat(refused.out()).contains("failed: tier device on engine http://127.0.0.1:" + bad.port());
            assertThat(refused.err()).contains("deletion NOT confirmed on dynamo");
            final List<PurgeEvidence> evidence = stack.readCommitted(topics.purges());
            assertThat(evidence).extracting(PurgeEvidence::getKind).containsExactly("runtime-drill", "runtime-drill");
            assertThat(evidence).extracting(PurgeEvidence::getConfirmed).containsExactly(true, false);
            assertThat(evidence).extracting(PurgeEvidence::getCandidate).containsOnly("dynamo");
            assertThat(Files.readString(dir.resolve("good.dsse.json"))).isEqualTo(evidence.get(0).getDsseEnvelope());

            // and zumik verify checks the drill's envelope, and refuses it with one character changed
            final String pub = dir.resolve("signing/signing.pub").toString();
            final ZumikCommandTest.Run verified = ZumikCommandTest.run("verify", dir.resolve("good.dsse.json").toString(), "--key", pub);
            assertThat(verified.exitCode()).as(verified.err()).isZero();
            assertThat(verified.out()).startsWith("OK: deletion drill of dynamo").contains("CONFIRMED on every tier");
            final String envelope = Files.readString(dir.resolve("good.dsse.json"));
            final int at = envelope.indexOf("\"payload\":\"") + 20;
            Files.writeString(dir.resolve("tampered.dsse.json"), envelope.substring(0, at) + (envelope.charAt(at) == 'A' ? 'B' : 'A')
                    + envelope.substring(at + 1));
            final ZumikCommandTest.Run tampered = ZumikCommandTest.run("verify", dir.resolve("tampered.dsse.json").toString(), "--key", pub);
            assertThat(tampered.exitCode()).isEqualTo(ZumikException.FAILURE);
            assertThat(tampered.err()).contains("verification FAILED");
            final ZumikCommandTest.Run notConfirmed = ZumikCommandTest.run("verify", dir.resolve("bad.dsse.json").toString(), "--key", pub);
            assertThat(notConfirmed.out()).contains("NOT confirmed");
        }
    }

    @Test
    void shouldMoveForRuntimeConfirmedDeletionOnlyOnASignedConfirmedDrillOfTheCandidate(final LocalStack stack, @TempDir final Path dir)
            throws Exception {
        // given a lane that requires private networking and runtime-confirmed deletion, 3 s of its traffic (10 requests a second, a
        // 2,048-token shared prefix each), a managed simulator and a two-replica dynamo candidate
        final PrefixedTopics created = PrefixedTopics.create(stack, "gate", 1);
        SigningKeys.generate(dir.resolve("signing"));
        final StringBuilder trace = new StringBuilder();
        for (int r = 0; r < 30; r++) {
            trace.append("{\"timestamp\": ").append(r * 100).append(", \"input_length\": 2560, \"output_length\": 30, \"hash_ids\": [1, 2, 3, 4, ")
                    .append(1000 + r).append("]}\n");
        }
        Files.writeString(dir.resolve("lane.jsonl"), trace);
        Files.writeString(dir.resolve("lanes.yaml"), "defaults: {isolation: [private-networking, runtime-confirmed-deletion], acceptedPremiumPct: 10}\n");
        try (SimServer managed = SimServer.start(Profiles.load("managed-openai",
                Optional.empty()), "127.0.0.1", 0);
             SimServer candidate = SimServer.start(Profiles.load("dynamo",
                     Optional.empty()), "127.0.0.1", 0, 2, SimFleet.Scheduler.KV_ROUTER);
             SimServer other = SimServer.start(Profiles.load("dynamo",
                     Optional.empty()), "127.0.0.1", 0)) {
            final URI candidateUrl = URI.create("http://127.0.0.1:" + candidate.port());
            final Function<String[], ZumikCommandTest.Run> replay = extra -> ZumikCommandTest.run(concat(new String[] {
                "replay", "--trace", dir.resolve("lane.jsonl").toString(), "--format", "mooncake", "--baseline",
                "http://127.0.0.1:" + managed.port() + "/v1", "--candidate", candidateUrl.toString(), "--signing-key",
                dir.resolve("signing/signing.key").toString(), "--lanes", dir.resolve("lanes.yaml").toString(), "--reason", "isolation",
                "--accept-partial-coverage"}, extra));

            // when it is replayed before any drill: the profile declares the capability, and that is not enough
            final ZumikCommandTest.Run undrilled = replay.apply(new String[] {"--out", dir.resolve("undrilled").toString()});
            assertThat(undrilled.exitCode()).as(undrilled.err() + undrilled.out()).isZero();
            assertThat(undrilled.out()).contains("Verdict: STAY (CAPABILITIES_MET, DELETION_DRILL_MISSING, WITHIN_ACCEPTED_PREMIUM, SLO_NO_WORSE)",
                    "deletion: no signed deletion drill of dynamo behind");

            // then, drilled (confirmed) and given the drill's envelope, the same replay moves for isolation, and the signed report names the drill
            final ZumikCommandTest.Run drilled = drill(stack, dir, created.prefix(), candidate.port(), dir.resolve("drill.dsse.json"));
            assertThat(drilled.exitCode()).as(drilled.err() + drilled.out()).isZero();
            final ZumikCommandTest.Run moved = replay.apply(new String[] {"--out", dir.resolve("moved").toString(), "--deletion-evidence",
                dir.resolve("drill.dsse.json").toString()});
            assertThat(moved.exitCode()).as(moved.err() + moved.out()).isZero();
            assertThat(moved.out()).contains("Verdict: MOVE (ISOLATION_REQUIRED, CAPABILITIES_MET, DELETION_CONFIRMED, WITHIN_ACCEPTED_PREMIUM, "
                    + "SLO_NO_WORSE, PARTIAL_COVERAGE_ACCEPTED)");
            final JsonNode report = new ObjectMapper().readTree(dir.resolve("moved/report.json").toFile());
            assertThat(report.path("byocReasons").get(0).path("figures").path("deletionDrillMaxAgeDays").asDouble()).isEqualTo(30);
            assertThat(report.path("byocReasons").get(0).path("figures").path("deletionDrillAgeDays").asDouble()).isBetween(0.0, 0.01);
            assertThat(report.path("notes").toString()).contains("deletion confirmed on every tier", dir.resolve("drill.dsse.json").toString());

            // and a drill of another deployment, or an envelope signed with another key, is refused in one line before anything is replayed
            final ZumikCommandTest.Run elsewhere = drill(stack, dir, created.prefix(), other.port(), dir.resolve("other.dsse.json"));
            assertThat(elsewhere.exitCode()).as(elsewhere.err() + elsewhere.out()).isZero();
            final ZumikCommandTest.Run wrongDeployment = replay.apply(new String[] {"--out", dir.resolve("x").toString(), "--deletion-evidence",
                dir.resolve("other.dsse.json").toString()});
            assertThat(wrongDeployment.exitCode()).isEqualTo(ZumikException.USAGE);
            assertThat(wrongDeployment.err().strip()).contains("is a drill of dynamo behind http://127.0.0.1:" + other.port()
                    + ", not of dynamo behind " + candidateUrl).doesNotContain("\n");
            SigningKeys.generate(dir.resolve("mallory"));
            final String foreign = InToto.sign("zumik-candidate:dynamo", "0".repeat(64), DrillEvidence.PREDICATE_TYPE,
                    InToto.tree(Map.of("candidate", "dynamo", "serving", candidateUrl.toString(), "confirmed", true,
                            "finishedAt", Instant.now().toString())), SigningKeys.readPrivate(dir.resolve("mallory/signing.key")));
            Files.writeString(dir.resolve("foreign.dsse.json"), foreign);
            final ZumikCommandTest.Run forged = replay.apply(new String[] {"--out", dir.resolve("y").toString(), "--deletion-evidence",
                dir.resolve("foreign.dsse.json").toString()});
            assertThat(forged.exitCode()).isEqualTo(ZumikException.USAGE);
            assertThat(forged.err()).contains("--deletion-evidence", "is not the given key's");

            // and the replay workers' reading of the purge topic: the candidate's latest drill that verifies, a forged newer one not counted
            try (KafkaProducer<String, PurgeEvidence> producer = new KafkaProducer<>(
                    stack.clientProperties(), created.topics().purges().keySerde().serializer(), created.topics().purges().valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(created.topics().purges().name(), "candidate:dynamo",
                        PurgeEvidence.newBuilder().setTenant("*").setDestroyedKeyIds(List.of()).setPurgedAt(Instant.now())
                                .setDsseEnvelope(foreign).setSigningKeyId("mallory").setKind("runtime-drill").setCandidate("dynamo")
                                .setConfirmed(true).build())).get();
            }
            final PublicKey pub = SigningKeys.readPublic(dir.resolve("signing/signing.pub"));
            final Optional<DrillEvidence> latest = DrillRecords.latest(stack.clientProperties(), created.topics().purges(),
                    pub, "dynamo", candidateUrl);
            assertThat(latest).get().satisfies(d -> {
                assertThat(d.confirmed()).isTrue();
                assertThat(d.serving()).isEqualTo(candidateUrl);
                assertThat(d.source()).startsWith(created.topics().purges().name() + "@0:");
            });
            assertThat(DrillRecords.latest(stack.clientProperties(), created.topics().purges(), pub, "k8s-portable",
                    candidateUrl)).isEmpty();
        }
    }

    private static String[] concat(final String[] head, final String... tail) {
        final String[] all = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static ZumikCommandTest.Run drill(final LocalStack stack, final Path dir, final String prefix, final int port, final Path out) {
        final String url = "http://127.0.0.1:" + port;
        return ZumikCommandTest.run("purge", "--runtime", "dynamo", "--serving", url, "--engine", url, "--mooncake-master", url,
                "--idle-timeout", "10s", "--signing-key", dir.resolve("signing/signing.key").toString(), "--kafka", stack.bootstrapServers(),
                "--registry", stack.registryUrl(), "--topic-prefix", prefix, "--out", out.toString(), "--key-dir", dir.resolve("keys").toString());
    }

    private static void send(final int port) throws Exception {
        final HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/chat/completions")).header("content-type", "application/json")
                .header("authorization", "Bearer sk-purge-test").POST(HttpRequest.BodyPublishers.ofString(PROMPT)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
    }

}
