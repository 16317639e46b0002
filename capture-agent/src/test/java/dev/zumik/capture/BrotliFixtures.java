package dev.zumik.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Brotli-encoded bodies made by node's zlib (brotli.json; brotli-fixtures.mjs remakes it): Java has no Brotli encoder. */
public final class BrotliFixtures {
    private static final JsonNode FIXTURES = load();

    private BrotliFixtures() { }

    /** An OpenAI chat completion stream, as sent. */
    public static List<String> sse() {
        final List<String> chunks = new ArrayList<>();
        FIXTURES.get("sse").forEach(c -> chunks.add(c.asText()));
        return chunks;
    }

    /** The same stream Brotli-encoded, one flushed segment per chunk, then the encoder's trailer. */
    public static List<byte[]> sseSegments() {
        final List<byte[]> segments = new ArrayList<>();
        FIXTURES.get("sseBrotli").forEach(s -> segments.add(Base64.getDecoder().decode(s.asText())));
        return segments;
    }

    /** A whole chat completion, as sent. */
    public static String json() {
        return FIXTURES.get("json").asText();
    }

    public static byte[] jsonEncoded() {
        return Base64.getDecoder().decode(FIXTURES.get("jsonBrotli").asText());
    }

    private static JsonNode load() {
        try (InputStream in = BrotliFixtures.class.getResourceAsStream("brotli.json")) {
            return new ObjectMapper().readTree(in);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
