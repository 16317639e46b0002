package dev.zumik.schemas.registry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A schema registry held in this JVM: ids assigned in order, one per distinct schema, as a registry with one
 * writer assigns them. For topology tests under {@code TopologyTestDriver}, which have no registry to call; the
 * serde's conformance with a real registry stays with the integration tests.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Schema, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> subjects = new ConcurrentHashMap<>();

    @Override
    public synchronized int register(final String subject, final Schema schema) {
        final int id = ids.computeIfAbsent(schema, s -> {
            final int assigned = nextId.getAndIncrement();
            schemas.put(assigned, s);
            return assigned;
        });
        subjects.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, id);
        return id;
    }

    @Override
    public Optional<Integer> lookup(final String subject, final Schema schema) {
        return Optional.ofNullable(subjects.getOrDefault(subject, Map.of()).get(schema));
    }

    @Override
    public Schema schemaById(final int id) {
        final Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, 40403, "Schema " + id + " not found");
        }
        return schema;
    }

    @Override
    public boolean autoRegister() {
        return true;
    }
}
