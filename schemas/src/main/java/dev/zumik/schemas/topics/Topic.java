package dev.zumik.schemas.topics;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic: its name, layout, broker-side configuration and the serdes of its keys and values.
 * Every producer, consumer and Streams {@code Consumed}/{@code Produced} takes its serdes from here.
 */
public record Topic<K, V>(String name, int partitions, Map<String, String> config, Serde<K> keySerde, Serde<V> valueSerde) {

    public Topic {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions of " + name + " must be >= 1, got " + partitions);
        }
        config = Map.copyOf(config);
    }

    /** The same layout, configuration and serdes under another name (a prefixed or a test's own topic). */
    public Topic<K, V> named(final String newName) {
        return new Topic<>(newName, partitions, config, keySerde, valueSerde);
    }

    /** The admin request that creates this topic; an empty replication factor takes the broker's default. */
    public NewTopic newTopic(final Optional<Short> replicationFactor) {
        return new NewTopic(name, Optional.of(partitions), replicationFactor).configs(config);
    }
}
