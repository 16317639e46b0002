package dev.zumik.replay.sign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HexFormat;

/** In-toto Statement v1 (one subject with its sha256, a typed predicate), signed into a DSSE envelope. */
public final class InToto {
    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private InToto() { }

    public static byte[] statement(final String subjectName, final String sha256, final String predicateType, final JsonNode predicate) {
        final ObjectNode statement = JSON.createObjectNode();
        statement.put("_type", STATEMENT_TYPE);
        statement.putArray("subject").addObject().put("name", subjectName).putObject("digest").put("sha256", sha256);
        statement.put("predicateType", predicateType);
        statement.set("predicate", predicate);
        try {
            return JSON.writeValueAsBytes(statement);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write the statement: " + e.getMessage(), e);
        }
    }

    /** The DSSE envelope JSON of the statement, signed by {@code key}. */
    public static String sign(final String subjectName, final String sha256, final String predicateType, final JsonNode predicate,
                              final PrivateKey key) {
        return Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, statement(subjectName, sha256, predicateType, predicate), key,
                SigningKeys.keyId(SigningKeys.publicOf(key)));
    }

    /** A statement opened from a verified envelope: its predicate type, one subject (name, sha256), predicate and signing key id. */
    public record Statement(String predicateType, String subjectName, String sha256, JsonNode predicate, String keyId) { }

    /**
     * Checks the envelope's signature by {@code key}, its payload type, the statement's type and its one
     * sha256 subject; the predicate type is the caller's to check.
     */
    public static Statement open(final byte[] envelope, final PublicKey key) throws Dsse.VerificationException {
        final Dsse.Opened opened = Dsse.open(envelope, key);
        if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(opened.payloadType())) {
            throw new Dsse.VerificationException("payload type is " + opened.payloadType() + ", expected " + Dsse.IN_TOTO_PAYLOAD_TYPE);
        }
        final JsonNode statement;
        try {
            statement = JSON.readTree(opened.payload());
        } catch (final IOException e) {
            throw new Dsse.VerificationException("payload is not a JSON statement");
        }
        if (statement == null || !STATEMENT_TYPE.equals(statement.path("_type").asText())) {
            throw new Dsse.VerificationException("statement _type is not " + STATEMENT_TYPE);
        }
        final JsonNode subject = statement.path("subject");
        if (!subject.isArray() || subject.size() != 1 || !subject.get(0).path("digest").path("sha256").asText().matches("[0-9a-f]{64}")) {
            throw new Dsse.VerificationException("statement must have one subject with a sha256 digest");
        }
        return new Statement(statement.path("predicateType").asText(), subject.get(0).path("name").asText(),
                subject.get(0).path("digest").path("sha256").asText(), statement.path("predicate"), opened.keyId());
    }

    /** The hex sha256 of {@code text}'s UTF-8 bytes: a subject digest. */
    public static String sha256Hex(final String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Any value as a predicate. */
    public static JsonNode tree(final Object value) {
        return JSON.valueToTree(value);
    }
}
