package dev.zumik.byoc.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The versions rendered and validated against, from {@code infra/byoc/versions.yaml}: the one place they are pinned. */
public record Versions(JsonNode tree) {

    public static Versions pinned() {
        try (InputStream in = Versions.class.getResourceAsStream("/dev/zumik/byoc/upstream/versions.yaml")) {
            if (in == null) {
                throw new IllegalStateException("infra/byoc/versions.yaml is not on the class path");
            }
            return new Versions(new ObjectMapper(new YAMLFactory()).readTree(in));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read versions.yaml", e);
        }
    }

    /** A pinned value by its dotted path, e.g. {@code dynamo.sglangRuntimeImage}. */
    public String get(final String path) {
        JsonNode node = tree;
        for (final String part : path.split("\\.")) {
            node = node.path(part);
        }
        if (!node.isValueNode()) {
            throw new IllegalStateException("versions.yaml has no " + path);
        }
        return node.asText();
    }
}
