package dev.zumik.localstack.registry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's own reader/writer rules. BACKWARD: the new
 * schema reads data written with the previous one; FORWARD: the previous schema reads data written
 * with the new one; FULL: both. The transitive variants check every earlier version, not only the latest.
 */
enum Compatibility {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    Compatibility(final boolean backward, final boolean forward, final boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    static Compatibility parse(final String level) {
        try {
            return valueOf(level.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException | NullPointerException e) {
            throw RegistryError.invalidCompatibility(String.valueOf(level));
        }
    }

    static List<String> names() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }

    /**
     * Problems found checking {@code candidate} against {@code earlier} (oldest first); empty when compatible.
     */
    List<String> problems(final Schema candidate, final List<Schema> earlier) {
        final List<String> problems = new ArrayList<>();
        if (this == NONE || earlier.isEmpty()) {
            return problems;
        }
        final List<Schema> against = transitive ? earlier : List.of(earlier.get(earlier.size() - 1));
        for (final Schema previous : against) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous), "BACKWARD", problems);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(previous, candidate), "FORWARD", problems);
            }
        }
        return problems;
    }

    private static void describe(final SchemaCompatibility.SchemaPairCompatibility result, final String direction,
                                 final List<String> problems) {
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (final SchemaCompatibility.Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            problems.add("{" + direction + ": " + incompatibility.getType() + " at " + incompatibility.getLocation()
                    + ": " + incompatibility.getMessage() + "}");
        }
    }
}
