package dev.zumik.sim.profile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The shipped profiles, and a user's YAML or JSON file laid over one of them. */
public final class Profiles {
    /** Names accepted by {@code zumik sim --profile}. */
    public static final List<String> NAMES = List.of("managed-openai", "managed-anthropic", "vllm", "sglang", "dynamo");

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private Profiles() { }

    /** The shipped profile {@code name}, with {@code overrides} (a YAML/JSON file) merged over it field by field. */
    public static SimProfile load(final String name, final Optional<Path> overrides) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown profile '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
        final ObjectNode base = (ObjectNode) read(Profiles.class.getResourceAsStream("/dev/zumik/sim/profiles/" + name + ".yaml"), name);
        if (overrides.isPresent()) {
            final JsonNode over;
            try (InputStream in = Files.newInputStream(overrides.get())) {
                over = read(in, overrides.get().toString());
            } catch (final IOException e) {
                throw new IllegalArgumentException("cannot read " + overrides.get() + ": " + e.getMessage(), e);
            }
            if (!over.isObject()) {
                throw new IllegalArgumentException(overrides.get() + ": expected a mapping of profile fields");
            }
            merge(base, (ObjectNode) over);
        }
        try {
            return YAML.treeToValue(base, SimProfile.class).validate();
        } catch (final IOException e) {
            throw new IllegalArgumentException("profile " + name + (overrides.map(p -> " with " + p).orElse("")) + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Renders a profile as YAML, e.g. for {@code zumik sim --print-profile}. */
    public static String toYaml(final SimProfile profile) {
        try {
            return YAML.writeValueAsString(profile);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(final InputStream in, final String source) {
        if (in == null) {
            throw new IllegalStateException("profile resource missing: " + source);
        }
        try (in) {
            final JsonNode node = YAML.readTree(in);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException(source + " is empty");
            }
            return node;
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot parse " + source + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** Objects merge key by key; anything else (scalars, lists) replaces. */
    private static void merge(final ObjectNode base, final ObjectNode over) {
        final Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            final JsonNode existing = base.get(field.getKey());
            if (existing instanceof ObjectNode target && field.getValue() instanceof ObjectNode source) {
                merge(target, source);
            } else {
                base.set(field.getKey(), field.getValue());
            }
        }
    }
}
