package dev.zumik.byoc.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Manifests built as they read: {@code obj("name", "x", "replicas", 2)} keeps its keys in order. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() { }

    /** An object of key, value pairs in order; null values are left out. */
    static ObjectNode obj(final Object... pairs) {
        final ObjectNode node = MAPPER.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                node.set((String) pairs[i], value(pairs[i + 1]));
            }
        }
        return node;
    }

    static ArrayNode arr(final Object... items) {
        final ArrayNode array = MAPPER.createArrayNode();
        for (final Object item : items) {
            if (item != null) {
                array.add(value(item));
            }
        }
        return array;
    }

    static JsonNode value(final Object v) {
        if (v instanceof JsonNode node) {
            return node;
        }
        if (v instanceof List<?> list) {
            return arr(list.toArray());
        }
        if (v instanceof Map<?, ?> map) {
            final ObjectNode node = MAPPER.createObjectNode();
            map.forEach((k, x) -> node.set(String.valueOf(k), value(x)));
            return node;
        }
        return MAPPER.valueToTree(v);
    }
}
