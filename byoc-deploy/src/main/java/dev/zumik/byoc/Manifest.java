package dev.zumik.byoc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One Kubernetes document: where it came from (a file and its position in a multi-document stream) and its body.
 *
 * @param source the file (or render) the document is in
 * @param index  its position in that stream, from 1
 */
public record Manifest(String source, int index, ObjectNode body) {
    private static final YAMLFactory FACTORY = YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build();
    private static final ObjectMapper YAML = new ObjectMapper(FACTORY);

    public String apiVersion() {
        return body.path("apiVersion").asText("");
    }

    public String kind() {
        return body.path("kind").asText("");
    }

    public String name() {
        return body.path("metadata").path("name").asText("");
    }

    /** For messages: "FILE#N (Kind name)". */
    public String where() {
        return source + "#" + index + " (" + kind() + (name().isEmpty() ? "" : " " + name()) + ")";
    }

    /** Every non-empty document of a YAML stream; an IllegalArgumentException names the source when it does not parse. */
    public static List<Manifest> read(final String source, final String yaml) {
        final List<Manifest> out = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            int index = 0;
            while (docs.hasNextValue()) {
                final JsonNode doc = docs.nextValue();
                index++;
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new IllegalArgumentException(source + "#" + index + ": a document must be a mapping, got " + doc.getNodeType());
                }
                out.add(new Manifest(source, index, (ObjectNode) doc));
            }
        } catch (final IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage() != null && iae.getMessage().startsWith(source)) {
                throw iae;
            }
            throw new IllegalArgumentException(source + ": not YAML: " + String.valueOf(e.getMessage()).split("\n")[0], e);
        }
        return out;
    }

    /** Documents as one YAML stream, separated by "---". */
    public static String write(final List<ObjectNode> documents) {
        final StringBuilder out = new StringBuilder();
        for (final ObjectNode doc : documents) {
            if (out.length() > 0) {
                out.append("---\n");
            }
            try {
                out.append(YAML.writeValueAsString(doc));
            } catch (final JsonProcessingException e) {
                throw new IllegalStateException("cannot write a manifest: " + e.getMessage(), e);
            }
        }
        return out.toString();
    }
}
