package dev.zumik.replay.purge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.zumik.replay.sign.Dsse;
import dev.zumik.replay.sign.InToto;
import java.net.URI;
import java.security.PublicKey;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * A deletion drill's signed evidence as a verdict reads it: which profile was drilled, behind which serving
 * URL, when it finished, whether deletion was confirmed on every tier, and the key that signed it. The
 * isolation reason's {@code runtime-confirmed-deletion} rests on one of these, never on a profile's word.
 *
 * @param source where the envelope was read (a file, or the purge topic with its offset)
 */
public record DrillEvidence(String candidate, URI serving, boolean confirmed, Instant finishedAt, String keyId, String source) {
    public static final String PREDICATE_TYPE = "https://zumik.dev/deletion-drill/v1";

    /**
     * Opens a drill's DSSE envelope: signature by {@code key}, in-toto statement, predicate type, and the
     * predicate's candidate, serving URL, confirmed flag and finish time all present; otherwise a
     * VerificationException saying what is wrong.
     */
    public static DrillEvidence open(final byte[] envelope, final PublicKey key, final String source) throws Dsse.VerificationException {
        return of(InToto.open(envelope, key), source);
    }

    /** A drill from a statement already opened and verified ({@link InToto#open}): its predicate type and fields checked. */
    public static DrillEvidence of(final InToto.Statement statement, final String source) throws Dsse.VerificationException {
        if (!PREDICATE_TYPE.equals(statement.predicateType())) {
            throw new Dsse.VerificationException("predicateType is " + statement.predicateType() + ", not a deletion drill's (" + PREDICATE_TYPE + ")");
        }
        final JsonNode p = statement.predicate();
        if (!p.path("candidate").isTextual() || !p.path("serving").isTextual() || !p.path("confirmed").isBoolean()
                || !p.path("finishedAt").isTextual()) {
            throw new Dsse.VerificationException("a deletion drill's predicate names its candidate, serving URL, finishedAt and confirmed");
        }
        try {
            return new DrillEvidence(p.path("candidate").asText(), URI.create(p.path("serving").asText()), p.path("confirmed").asBoolean(),
                    Instant.parse(p.path("finishedAt").asText()), statement.keyId(), source);
        } catch (final IllegalArgumentException | java.time.DateTimeException e) {
            throw new Dsse.VerificationException("the drill's serving URL or finishedAt does not parse: " + e.getMessage());
        }
    }

    /** Days from the drill's finish to {@code now}. */
    public double ageDays(final Instant now) {
        return Duration.between(finishedAt, now).toMillis() / 86_400_000.0;
    }

    /**
     * Whether this drill was of {@code profile} behind the replay's candidate: same profile name and the same
     * scheme, host and port as the candidate's URL (paths differ between a gateway's routes and its root).
     */
    public boolean drilled(final String profile, final URI candidateUrl) {
        return candidate.equals(profile) && origin(serving).equals(origin(candidateUrl));
    }

    /** The latest drill of {@code profile} behind {@code candidateUrl} among these, confirmed or not. */
    public static Optional<DrillEvidence> latest(final Collection<DrillEvidence> drills, final String profile, final URI candidateUrl) {
        return drills.stream().filter(d -> d.drilled(profile, candidateUrl)).max(Comparator.comparing(DrillEvidence::finishedAt));
    }

    private static String origin(final URI url) {
        final String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
        final int port = url.getPort() != -1 ? url.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + String.valueOf(url.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
    }
}
