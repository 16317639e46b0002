package dev.zumik.schemas.registry;

import java.util.Optional;
import org.apache.avro.Schema;

/**
 * What Zumik's serdes need of a schema registry: register or look up a subject's schema id, and a schema by its id.
 * {@link SchemaRegistryClient} speaks the Confluent REST API; {@link InMemorySchemaRegistry} holds them in this JVM,
 * for topology tests that run without a broker or a registry.
 */
public interface SchemaRegistry {
    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} under {@code subject}, if registered. */
    Optional<Integer> lookup(String subject, Schema schema);

    /** The schema with this global id. */
    Schema schemaById(int id);

    /** Whether producers register a schema they do not find (Confluent's {@code auto.register.schemas}). */
    boolean autoRegister();
}
