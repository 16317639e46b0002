package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Compares a response with a documented fixture by structure: the same keys at every level, the same
 * JSON types, and equal values for the discriminators {@code object} and {@code type}. Arrays compare
 * element-wise up to the shorter length (a fixture shows one element of a list).
 */
final class Shapes {
    private Shapes() { }

    static void assertSameShape(final JsonNode expected, final JsonNode actual) {
        compare(expected, actual, "$");
    }

    private static void compare(final JsonNode expected, final JsonNode actual, final String path) {
        assertThat(actual).as(path + " is missing").isNotNull();
        assertThat(kind(actual)).as(path + " has the wrong JSON type: " + actual).isEqualTo(kind(expected));
        if (expected.isObject()) {
            assertThat(new TreeSet<>(names(actual))).as(path + " keys").isEqualTo(new TreeSet<>(names(expected)));
            for (final String name : names(expected)) {
                if (name.equals("object") || name.equals("type")) {
                    assertThat(actual.get(name)).as(path + "." + name).isEqualTo(expected.get(name));
                }
                compare(expected.get(name), actual.get(name), path + "." + name);
            }
        } else if (expected.isArray()) {
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                compare(expected.get(i), actual.get(i), path + "[" + i + "]");
            }
        }
    }

    /** Collapses runs of events with the same name and structure (the per-token deltas) to one. */
    static List<SimClient.Event> collapse(final List<SimClient.Event> events) {
        final List<SimClient.Event> out = new ArrayList<>();
        String previous = null;
        for (final SimClient.Event event : events) {
            final String signature = event.name() + "|" + (event.data().startsWith("{") ? signature(event.json()) : event.data());
            if (!signature.equals(previous)) {
                out.add(event);
            }
            previous = signature;
        }
        return out;
    }

    private static String signature(final JsonNode node) {
        if (node.isObject()) {
            final StringBuilder s = new StringBuilder("{");
            for (final String name : new TreeSet<>(names(node))) {
                s.append(name).append(':').append(signature(node.get(name))).append(',');
            }
            return s.append('}').toString();
        }
        if (node.isArray()) {
            return node.isEmpty() ? "[]" : "[" + signature(node.get(0)) + "]";
        }
        return kind(node);
    }

    private static List<String> names(final JsonNode node) {
        final List<String> names = new ArrayList<>();
        final Iterator<String> it = node.fieldNames();
        it.forEachRemaining(names::add);
        return names;
    }

    private static String kind(final JsonNode node) {
        return node.isNumber() ? "number" : node.getNodeType().name();
    }
}
