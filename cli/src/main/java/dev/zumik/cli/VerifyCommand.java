package dev.zumik.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.InToto;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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
        final InToto.Statement statement;
        try {
            statement = InToto.open(envelope, key);
        } catch (final Dsse.VerificationException e) {
            throw ZumikException.failure("verification FAILED: " + e.getMessage());
        }
        final JsonNode p = statement.predicate();
        if (statement.predicateType().equals(PurgeCommand.PREDICATE_TYPE)) {
            return Optional.of("OK: purge of tenant " + p.path("tenant").asText() + " (keys " + p.path("destroyedKeyIds") + " destroyed at "
                    + p.path("purgedAt").asText() + "), signed by key " + statement.keyId());
        }
        if (!statement.predicateType().equals(DrillEvidence.PREDICATE_TYPE)) {
            return Optional.empty();
        }
        final DrillEvidence drill;
        try {
            drill = DrillEvidence.of(statement, "");
        } catch (final Dsse.VerificationException e) {
            throw ZumikException.failure("verification FAILED: " + e.getMessage());
        }
        return Optional.of("OK: deletion drill of " + drill.candidate() + " behind " + drill.serving() + " at " + drill.finishedAt() + ": "
                + (drill.confirmed() ? "CONFIRMED on every tier" : "NOT confirmed (" + p.path("failures").size() + " failure(s))")
                + ", signed by key " + drill.keyId());
    }

    private static List<String> reasons(final SignedVerdict.Verified verified) {
        final List<String> out = new ArrayList<>();
        verified.predicate().path("reasons").forEach(r -> out.add(r.asText()));
        return out;
    }
}
