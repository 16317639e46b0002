package dev.zumik.cli;

import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.SignedVerdict;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.replay.worker.KafkaWindows;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.ShapeWindowReader;
import dev.zumik.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zumik verify FILE --key PUB [--kafka B]}: checks a signed verdict, purge or deletion-drill envelope. */
@Command(name = "verify", description = {
        "Check a verdict's, a purge's or a deletion drill's DSSE envelope: Ed25519 signature by --key, payload type, in-toto statement and subject; "
            + "given --kafka, also recompute the replayed window's sha256 from the shape topic.",
        "%nExit code 0 only when every check holds."})
final class VerifyCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "FILE", description = "The envelope (verdict.dsse.json).")
    Path file;

    @Option(names = "--key", paramLabel = "PUB", required = true, description = "The signer's public key (signing.pub).")
    Path key;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prefix of every Zumik topic name.")
    String topicPrefix;

    @Override
    public Integer call() {
        final PublicKey publicKey;
        final byte[] envelope;
        try {
            publicKey = SigningKeys.readPublic(Values.readableFile("--key", key));
            envelope = Files.readAllBytes(Values.readableFile(null, file));
        } catch (final IllegalArgumentException e) {
            throw ZumikException.usage(e.getMessage());
        } catch (final IOException e) {
            throw ZumikException.failure("cannot read " + file + ": " + e.getMessage());
        }
        final Optional<String> purge = purgeSummary(envelope, publicKey);
        if (purge.isPresent()) {
            spec.commandLine().getOut().println(purge.get());
            return 0;
        }
        Optional<SignedVerdict.WindowSource> window = Optional.empty();
        final boolean withWindow = connection.kafka != null;
        if (withWindow) {
            final ClientSettings settings = connection.settings();
            final Topics topics = Topics.create(new SchemaRegistryClient(settings.registrySettings()), Topics.DEFAULT_SHAPE_PARTITIONS, topicPrefix);
            window = Optional.of(KafkaWindows.source(settings.kafkaProperties(), topics, ShapeWindowReader.DEFAULT_LATENESS));
        }
        final SignedVerdict.Verified verified;
        try {
            verified = SignedVerdict.verify(envelope, publicKey, window);
        } catch (final Dsse.VerificationException e) {
            throw ZumikException.failure("verification FAILED: " + e.getMessage());
        } catch (final RuntimeException e) {
            throw ZumikException.failure("verification FAILED: cannot recompute the window: " + DevCommand.rootMessage(e));
        }
        spec.commandLine().getOut().println("OK: " + verified.decision() + " " + String.join(",", reasons(verified)) + " for "
                + verified.windowName() + ", signed by key " + verified.keyId() + (withWindow ? "; window digest recomputed and equal" : ""));
        return 0;
    }

    /**
     * For purge evidence (key shredding or a deletion drill): the signature, payload type, statement type and
     * subject checked, its one-line summary. Empty for any other predicate, which the verdict checks then take.
     */
    private static Optional<String> purgeSummary(final byte[] envelope, final PublicKey key) {
        final com.fasterxml.jackson.databind.JsonNode statement;
        final Dsse.Opened opened;
        try {
            opened = Dsse.open(envelope, key);
            statement = new com.fasterxml.jackson.databind.ObjectMapper().readTree(opened.payload());
        } catch (final Dsse.VerificationException e) {
            throw ZumikException.failure("verification FAILED: " + e.getMessage());
        } catch (final IOException e) {
            throw ZumikException.failure("verification FAILED: the payload is not a JSON statement");
        }
        final String type = statement.path("predicateType").asText();
        if (!type.equals(PurgeCommand.PREDICATE_TYPE) && !type.equals(PurgeCommand.DRILL_PREDICATE_TYPE)) {
            return Optional.empty();
        }
        final com.fasterxml.jackson.databind.JsonNode subject = statement.path("subject");
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(opened.payloadType()) || !"https://in-toto.io/Statement/v1".equals(statement.path("_type").asText())
                || subject.size() != 1 || !subject.get(0).path("digest").path("sha256").asText().matches("[0-9a-f]{64}")) {
            throw ZumikException.failure("verification FAILED: not an in-toto statement with one sha256 subject");
        }
        final com.fasterxml.jackson.databind.JsonNode p = statement.path("predicate");
        if (type.equals(PurgeCommand.PREDICATE_TYPE)) {
            return Optional.of("OK: purge of tenant " + p.path("tenant").asText() + " (keys " + p.path("destroyedKeyIds") + " destroyed at "
                    + p.path("purgedAt").asText() + "), signed by key " + opened.keyId());
        }
        return Optional.of("OK: deletion drill of " + p.path("candidate").asText() + " at " + p.path("finishedAt").asText() + ": "
                + (p.path("confirmed").asBoolean(false) ? "CONFIRMED on every tier" : "NOT confirmed (" + p.path("failures").size() + " failure(s))")
                + ", signed by key " + opened.keyId());
    }

    private static java.util.List<String> reasons(final SignedVerdict.Verified verified) {
        final java.util.List<String> out = new java.util.ArrayList<>();
        verified.predicate().path("reasons").forEach(r -> out.add(r.asText()));
        return out;
    }
}
