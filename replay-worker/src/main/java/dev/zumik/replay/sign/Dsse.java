package dev.zumik.replay.sign;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/**
 * DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1) signed with Ed25519 over the
 * pre-authentication encoding {@code "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body}. Opening is
 * strict, so that any changed bit fails: exactly the envelope's fields, no duplicates, canonical
 * base64, one signature whose key id matches the key.
 */
public final class Dsse {
    public static final String IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

    private static final ObjectMapper STRICT = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** A verified envelope's payload. */
    public record Opened(String payloadType, byte[] payload, String keyId) { }

    /** Thrown when an envelope does not verify; the message says which check failed. */
    public static final class VerificationException extends Exception {
        public VerificationException(final String message) {
            super(message);
        }
    }

    private Dsse() { }

    public static byte[] pae(final String payloadType, final byte[] payload) {
        final byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
        final byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ").getBytes(StandardCharsets.UTF_8);
        final byte[] out = new byte[head.length + payload.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(payload, 0, out, head.length, payload.length);
        return out;
    }

    /** The envelope JSON (compact, UTF-8) of {@code payload} signed by {@code key}. */
    public static String sign(final String payloadType, final byte[] payload, final PrivateKey key, final String keyId) {
        try {
            final Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(pae(payloadType, payload));
            final ObjectNode envelope = STRICT.createObjectNode();
            envelope.put("payloadType", payloadType);
            envelope.put("payload", Base64.getEncoder().encodeToString(payload));
            envelope.putArray("signatures").addObject().put("keyid", keyId).put("sig", Base64.getEncoder().encodeToString(signer.sign()));
            return STRICT.writeValueAsString(envelope);
        } catch (final GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("cannot sign: " + e.getMessage(), e);
        }
    }

    /** Checks the envelope's form and its signature by {@code key}; returns the payload. */
    public static Opened open(final byte[] envelopeJson, final PublicKey key) throws VerificationException {
        final JsonNode envelope;
        try {
            envelope = STRICT.readTree(envelopeJson);
        } catch (final JsonProcessingException e) {
            throw new VerificationException("not a JSON envelope: " + e.getOriginalMessage());
        } catch (final IOException e) {
            throw new VerificationException("not a JSON envelope: " + e.getMessage());
        }
        if (envelope == null || !envelope.isObject()) {
            throw new VerificationException("not a JSON envelope: the top level is not an object");
        }
        onlyFields(envelope, Set.of("payloadType", "payload", "signatures"), "envelope");
        final String payloadType = text(envelope, "payloadType");
        final byte[] payload = base64(text(envelope, "payload"), "payload");
        final JsonNode signatures = envelope.get("signatures");
        if (signatures == null || !signatures.isArray() || signatures.size() != 1) {
            throw new VerificationException("envelope: expected exactly one signature");
        }
        final JsonNode signature = signatures.get(0);
        if (!signature.isObject()) {
            throw new VerificationException("envelope: a signature must be an object");
        }
        onlyFields(signature, Set.of("keyid", "sig"), "signature");
        final String keyId = text(signature, "keyid");
        if (!keyId.equals(SigningKeys.keyId(key))) {
            throw new VerificationException("signature key id " + keyId + " is not the given key's (" + SigningKeys.keyId(key) + ")");
        }
        final byte[] sig = base64(text(signature, "sig"), "sig");
        try {
            final Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(pae(payloadType, payload));
            if (!verifier.verify(sig)) {
                throw new VerificationException("signature does not verify with the given key");
            }
        } catch (final GeneralSecurityException e) {
            throw new VerificationException("signature does not verify: " + e.getMessage());
        }
        return new Opened(payloadType, payload, keyId);
    }

    private static void onlyFields(final JsonNode node, final Set<String> allowed, final String what) throws VerificationException {
        for (final Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            final String name = names.next();
            if (!allowed.contains(name)) {
                throw new VerificationException(what + ": unexpected field '" + name + "'");
            }
        }
    }

    private static String text(final JsonNode node, final String field) throws VerificationException {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new VerificationException("envelope: '" + field + "' must be a string");
        }
        return value.asText();
    }

    /** Decodes standard base64 and insists it is the canonical encoding, so unused bits cannot be flipped unnoticed. */
    private static byte[] base64(final String text, final String field) throws VerificationException {
        final byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text);
        } catch (final IllegalArgumentException e) {
            throw new VerificationException("envelope: '" + field + "' is not base64");
        }
        if (!Base64.getEncoder().encodeToString(bytes).equals(text)) {
            throw new VerificationException("envelope: '" + field + "' is not canonical base64");
        }
        return bytes;
    }
}
