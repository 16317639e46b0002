package dev.zumik.replay.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.replay.verdict.VerdictReport;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A verdict as an in-toto Statement v1 (subject: the replayed window and its sha256; predicate: the
 * {@link VerdictReport}) in a DSSE envelope signed with Ed25519, and the checks {@code zumik verify}
 * runs on one.
 */
public final class SignedVerdict {
    public static final String STATEMENT_TYPE = InToto.STATEMENT_TYPE;
    private static final ObjectMapper JSON = InToto.JSON;

    /** Recomputes the sha256 of a lane's window from wherever its shape events live (the shape topic). */
    @FunctionalInterface
    public interface WindowSource {
        String sha256(String laneKey, Instant from, Instant to);
    }

    /** What a verified envelope says. */
    public record Verified(String keyId, String windowName, String windowSha256, JsonNode predicate) {
        public String decision() {
            return predicate.path("decision").asText();
        }
    }

    private SignedVerdict() { }

    /** The DSSE envelope JSON of the report's statement. */
    public static String sign(final VerdictReport report, final PrivateKey key) {
        return InToto.sign(report.window().name(), report.window().sha256(), VerdictReport.PREDICATE_TYPE, InToto.tree(report), key);
    }

    /**
     * Checks signature, payload type, statement type, predicate type and subject; with a window source
     * (lane key, from, to → recomputed sha256) also that the window's events still digest to the subject.
     */
    public static Verified verify(final byte[] envelope, final PublicKey key, final Optional<WindowSource> recompute)
            throws Dsse.VerificationException {
        final InToto.Statement statement = InToto.open(envelope, key);
        if (!VerdictReport.PREDICATE_TYPE.equals(statement.predicateType())) {
            throw new Dsse.VerificationException("predicateType is not " + VerdictReport.PREDICATE_TYPE);
        }
        final String name = statement.subjectName();
        final String sha256 = statement.sha256();
        final JsonNode predicate = statement.predicate();
        if (!sha256.equals(predicate.path("window").path("sha256").asText())) {
            throw new Dsse.VerificationException("the predicate's window digest differs from the subject's");
        }
        if (recompute.isPresent()) {
            final Instant from;
            final Instant to;
            try {
                from = Instant.parse(predicate.path("window").path("from").asText());
                to = Instant.parse(predicate.path("window").path("to").asText());
            } catch (final DateTimeParseException e) {
                throw new Dsse.VerificationException("the predicate's window bounds are not timestamps");
            }
            final String actual = recompute.get().sha256(predicate.path("lane").asText(), from, to);
            if (!sha256.equals(actual)) {
                throw new Dsse.VerificationException("the window's shape events now digest to " + actual + ", not " + sha256);
            }
        }
        return new Verified(statement.keyId(), name, sha256, predicate);
    }
}
