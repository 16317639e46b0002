package dev.zumik.replay.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.PrivateKey;

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
        } catch (final com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the statement: " + e.getMessage(), e);
        }
    }

    /** The DSSE envelope JSON of the statement, signed by {@code key}. */
    public static String sign(final String subjectName, final String sha256, final String predicateType, final JsonNode predicate,
                              final PrivateKey key) {
        return Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, statement(subjectName, sha256, predicateType, predicate), key,
                SigningKeys.keyId(SigningKeys.publicOf(key)));
    }

    /** The hex sha256 of {@code text}'s UTF-8 bytes: a subject digest. */
    public static String sha256Hex(final String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (final java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Any value as a predicate. */
    public static JsonNode tree(final Object value) {
        return JSON.valueToTree(value);
    }
}
