package dev.zumik.cli;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.core.cost.ByocProfile;
import dev.zumik.replay.purge.DeletionDrill;
import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.sign.InToto;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.schemas.avro.PurgeEvidence;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * {@code zumik purge --tenant T}: crypto-shreds a tenant's hash keys and publishes signed evidence of it;
 * {@code zumik purge --runtime PROFILE}: a deletion drill on a BYOC candidate's runtime, its evidence signed and published alike.
 */
@Command(name = "purge", description = {
        "Destroy a tenant's hash keys (crypto-shredding: the shapes hashed under them can no longer be linked to any prompt) "
            + "and publish signed evidence (what, when, key ids) to " + Topics.PURGES + ". With --runtime, run a deletion drill on a "
            + "BYOC candidate instead: every cache tier of every replica reset, a probe required to miss; its evidence is signed and published alike.",
        "%nRunning capture agents pick the change up within a second and hash the tenant's new traffic under a new key, "
            + "unlinkable to the old hashes. No Zumik topic is keyed by tenant, so there is nothing to tombstone."})
final class PurgeCommand implements Callable<Integer> {
    static final String PREDICATE_TYPE = "https://zumik.dev/purge/v1";

    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Option(names = "--tenant", paramLabel = "ID", description = "The tenant, as shapes name it (a configured id or key-<hash>); "
            + "required to shred keys, recorded by a --runtime drill.")
    String tenant;

    @Option(names = "--runtime", paramLabel = "PROFILE", description = "Run a deletion drill on this BYOC candidate (dynamo, k8s-portable or a "
            + "profile file) instead of shredding keys: every cache tier of every replica reset, a probe required to miss (docs/OPERATIONS.md).")
    String runtime;

    @CommandLine.ArgGroup(exclusive = false, heading = "%nDeletion drill (--runtime):%n")
    RuntimeDrillOptions drill;

    @Option(names = "--key-dir", paramLabel = "DIR", defaultValue = "${sys:user.home}/.zumik/keys",
            description = "The capture agents' tenant key store (default ${DEFAULT-VALUE}).")
    Path keyDir;

    @Option(names = "--signing-key", paramLabel = "FILE", required = true, description = "Ed25519 private key (PEM) that signs the evidence.")
    Path signingKey;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Write the evidence's DSSE envelope here (default: KEY_DIR/purges/TENANT-<ms>.dsse.json); checked before anything is destroyed.")
    Path out;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prefix of every Zumik topic name.")
    String topicPrefix;

    @Override
    public Integer call() throws Exception {
        if (runtime == null && tenant == null) {
            throw ZumikException.usage("give --tenant ID to shred a tenant's keys, or --runtime PROFILE to run a deletion drill");
        }
        if (tenant != null && !tenant.matches("[A-Za-z0-9._-]{1,128}")) {
            throw ZumikException.usage("--tenant must be 1-128 letters, digits, '.', '_' or '-', got '" + tenant + "'");
        }
        final DeletionDrill.Targets targets = runtime == null ? null : drillTargets();
        if (runtime == null && !Files.isDirectory(keyDir)) {
            throw ZumikException.usage("--key-dir " + keyDir + ": no such key store");
        }
        final PrivateKey key;
        try {
            key = SigningKeys.readPrivate(Values.readableFile("--signing-key", signingKey));
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        }
        if (out != null) {
            Values.writableFile("--out", out, "cannot write the evidence there (nothing was destroyed)");
        }
        // everything the evidence needs is checked first: the keys are destroyed only when it has somewhere to go
        final ClientSettings settings = connection.settings();
        final Topic<String, PurgeEvidence> topic = Topics.create(new SchemaRegistryClient(settings.registrySettings()),
                Topics.DEFAULT_SHAPE_PARTITIONS, topicPrefix).purges();
        TopicsCommand.requireTopic(settings, topic.name());
        try {
            // registers or looks up the evidence schema, as the real record's serialization will
            topic.valueSerde().serializer().serialize(topic.name(), PurgeEvidence.newBuilder().setTenant("check").setDestroyedKeyIds(List.of())
                    .setPurgedAt(Instant.now()).setDsseEnvelope("").setSigningKeyId("").build());
        } catch (final RuntimeException e) {
            throw ZumikException.failure("cannot reach the schema registry at " + settings.registryUrl() + " (" + DevCommand.rootMessage(e)
                    + "): nothing was destroyed");
        }
        if (targets != null) {
            return drill(targets, key, settings, topic);
        }
        final Path evidenceFile = out != null ? out : keyDir.resolve("purges").resolve(tenant + "-" + System.currentTimeMillis() + ".dsse.json");
        final List<String> destroyed = new TenantKeyStore(keyDir).destroy(tenant);
        if (destroyed.isEmpty()) {
            throw ZumikException.failure("tenant " + tenant + " has no keys in " + keyDir + ": nothing to purge");
        }
        // past the point of no return: whatever fails, the destroyed key ids are printed and the evidence kept on disk
        final Instant at = Instant.now();
        final Map<String, Object> predicate = new LinkedHashMap<>();
        predicate.put("tenant", tenant);
        predicate.put("destroyedKeyIds", destroyed);
        predicate.put("keyStore", keyDir.toAbsolutePath().toString());
        predicate.put("purgedAt", at.toString());
        predicate.put("tombstones", Map.of());
        predicate.put("method", "the key files were overwritten with zeros and deleted; shapes keep only hashes made under them");
        final String envelope = InToto.sign("zumik-tenant:" + tenant, sha256(destroyed), PREDICATE_TYPE, InToto.tree(predicate), key);
        final String keyId = SigningKeys.keyId(SigningKeys.publicOf(key));
        final PrintWriter printer = spec.commandLine().getOut();
        keep(envelope, evidenceFile, tenant, PurgeEvidence.newBuilder().setTenant(tenant).setDestroyedKeyIds(destroyed).setTombstones(Map.of())
                .setPurgedAt(at).setDsseEnvelope(envelope).setSigningKeyId(keyId).build(), settings, topic,
                "keys of " + tenant + " destroyed (" + String.join(", ", destroyed) + ")");
        printer.println("Purged tenant " + tenant + ": destroyed keys " + String.join(", ", destroyed) + "; evidence signed by key " + keyId
                + " published to " + topic.name() + " and written to " + evidenceFile);
        return 0;
    }

    /** The drill's endpoints from the flags; a usage error names what is missing. */
    private DeletionDrill.Targets drillTargets() {
        if (drill == null || drill.serving == null || drill.engines.isEmpty()) {
            throw ZumikException.usage("--runtime needs --serving URL (the gateway or Dynamo's frontend) and --engine URL for every replica");
        }
        final ByocProfile profile = Values.byocProfile("--runtime", runtime);
        final DeletionDrill.Runtime family = DeletionDrill.Runtime.of(profile.stack());
        if (family == DeletionDrill.Runtime.VLLM && (!drill.lmcache.isEmpty() || drill.mooncakeMaster != null)) {
            throw ZumikException.usage("--lmcache and --mooncake-master are tiers of the dynamo recipe; " + runtime + " runs vLLM "
                    + "(its KV connector is reset with reset_external=true)");
        }
        return new DeletionDrill.Targets(family, profile.name(), Values.httpUrl("--serving", drill.serving),
                drill.engines.stream().map(e -> Values.httpUrl("--engine", e)).toList(),
                drill.lmcache.stream().map(e -> Values.httpUrl("--lmcache", e)).toList(),
                Optional.ofNullable(drill.mooncakeMaster).map(m -> Values.httpUrl("--mooncake-master", m)),
                Optional.ofNullable(drill.adminKeyFile).map(f -> Values.readText("--admin-key-file", f).strip()),
                Optional.ofNullable(drill.apiKeyFile).map(f -> Values.readText("--api-key-file", f).strip()));
    }

    /**
     * Runs the drill, signs its evidence (confirmed or not: a failed drill is evidence too), writes it and
     * publishes it next to the key-shredding evidence. Exit 0 only when deletion was confirmed on every tier.
     */
    private int drill(final DeletionDrill.Targets targets, final PrivateKey key, final ClientSettings settings,
                      final Topic<String, PurgeEvidence> topic) throws Exception {
        final PrintWriter printer = spec.commandLine().getOut();
        printer.println("Deletion drill of " + targets.candidate() + " (" + targets.runtime().name().toLowerCase(Locale.ROOT) + " recipe) on "
                + targets.engines().size() + " replica(s): waiting for idle, then resetting every tier");
        printer.flush();
        final DeletionDrill.Result result = DeletionDrill.run(targets, drill.idleTimeout);
        if (tenant != null) {
            result.evidence().put("tenant", tenant);
        }
        final Instant at = Instant.now();
        final List<String> subject = new ArrayList<>(List.of(targets.candidate()));
        targets.engines().forEach(e -> subject.add(e.toString()));
        final String envelope = InToto.sign("zumik-candidate:" + targets.candidate(), sha256(subject), DrillEvidence.PREDICATE_TYPE, result.evidence(), key);
        final String keyId = SigningKeys.keyId(SigningKeys.publicOf(key));
        final Path evidenceFile = out != null ? out : keyDir.resolve("purges").resolve("drill-" + targets.candidate() + "-" + at.toEpochMilli() + ".dsse.json");
        keep(envelope, evidenceFile, "candidate:" + targets.candidate(), PurgeEvidence.newBuilder().setTenant(tenant == null ? "*" : tenant)
                .setDestroyedKeyIds(List.of()).setTombstones(Map.of()).setPurgedAt(at).setDsseEnvelope(envelope).setSigningKeyId(keyId)
                .setKind("runtime-drill").setCandidate(targets.candidate()).setConfirmed(result.confirmed()).build(), settings, topic,
                "the drill of " + targets.candidate() + " ran");
        final String where = "; evidence signed by key " + keyId + " published to " + topic.name() + " and written to " + evidenceFile;
        if (!result.confirmed()) {
            result.failures().forEach(f -> printer.println("  failed: " + f));
            throw ZumikException.failure("deletion NOT confirmed on " + targets.candidate() + " (" + result.failures().size() + " failure(s) above)" + where);
        }
        printer.println("Deletion confirmed on every tier of " + targets.candidate() + ": every reset answered, the probe missed in its usage and in "
                + "every engine's counters" + where);
        return 0;
    }

    /**
     * Writes the signed envelope to {@code file}, then publishes the evidence record under {@code recordKey}.
     * Both modes call it past their point of no return, so a failure says what already happened ({@code done})
     * and where the envelope still is: printed when the file cannot be written, in the file when Kafka refuses.
     */
    private void keep(final String envelope, final Path file, final String recordKey, final PurgeEvidence evidence, final ClientSettings settings,
                      final Topic<String, PurgeEvidence> topic, final String done) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, envelope);
        } catch (final IOException e) {
            spec.commandLine().getOut().println(envelope);
            throw ZumikException.failure(done + ", but the evidence could not be written to " + file + " (" + e.getMessage()
                    + "); its envelope is printed above");
        }
        try (KafkaProducer<String, PurgeEvidence> producer = new KafkaProducer<>(settings.kafkaProperties(), topic.keySerde().serializer(),
                topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), recordKey, evidence)).get(30, TimeUnit.SECONDS);
        } catch (final ExecutionException | TimeoutException | RuntimeException e) {
            throw ZumikException.failure(done + ", but the evidence was not published: " + DevCommand.rootMessage(e)
                    + "; the signed envelope is in " + file);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ZumikException.failure(done + ", but publishing the evidence was interrupted; the signed envelope is in " + file);
        }
    }

    /** The statement's subject digest: sha256 of the lines (the destroyed key ids, or the drilled candidate and its engines), sorted. */
    static String sha256(final List<String> lines) {
        return InToto.sha256Hex(String.join("\n", lines.stream().sorted().toList()));
    }
}
