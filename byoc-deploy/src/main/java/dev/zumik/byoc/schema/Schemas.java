package dev.zumik.byoc.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The CRD schemas Zumik validates against, by {@code apiVersion/kind}: the pinned upstream CRDs and Zumik's own reduced
 * schemas under {@code infra/byoc} (on the class path as {@code dev/zumik/byoc/upstream/}). Each version's
 * {@code openAPIV3Schema} is taken as the CRD states it.
 */
public final class Schemas {
    static final String ROOT = "/dev/zumik/byoc/upstream/";
    /** Every schema file: pinned upstream CRDs (crds/) and Zumik's reduced ones (schemas/), whose headers say how they were derived. */
    static final List<String> FILES = List.of(
            "crds/serving.kserve.io_llminferenceservices.minimal.yaml",
            "crds/inference.networking.k8s.io_inferencepools.yaml",
            "crds/llm-d.ai_inferenceobjectives.yaml",
            "crds/gateway.networking.k8s.io_gateways.yaml",
            "crds/autoscaling.aibrix.ai_podautoscalers.yaml",
            "schemas/nvidia.com_dynamographdeployments.v1beta1.reduced.yaml",
            "schemas/llm-d.ai_endpointpickerconfig.v1alpha1.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A version's schema and the file it came from. */
    public record Entry(JsonNode schema, String file) { }

    private final Map<String, Entry> byKind = new TreeMap<>();

    private Schemas() { }

    /** Loads every schema file once. */
    public static Schemas load() {
        final Schemas schemas = new Schemas();
        for (final String file : FILES) {
            final JsonNode crd = read(file);
            final String group = crd.path("spec").path("group").asText();
            final String kind = crd.path("spec").path("names").path("kind").asText();
            for (final JsonNode version : crd.path("spec").path("versions")) {
                if (version.path("served").asBoolean(true)) {
                    schemas.byKind.put(group + "/" + version.path("name").asText() + "/" + kind,
                            new Entry(version.path("schema").path("openAPIV3Schema"), file));
                }
            }
        }
        return schemas;
    }

    public Optional<Entry> forKind(final String apiVersion, final String kind) {
        return Optional.ofNullable(byKind.get(apiVersion + "/" + kind));
    }

    /** apiVersion/kind of every schema, for messages. */
    public Set<String> kinds() {
        return byKind.keySet();
    }

    static JsonNode read(final String file) {
        try (InputStream in = Schemas.class.getResourceAsStream(ROOT + file)) {
            if (in == null) {
                throw new IllegalStateException("the schema " + file + " is not on the class path (infra/byoc/" + file + ")");
            }
            return YAML.readTree(in);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
