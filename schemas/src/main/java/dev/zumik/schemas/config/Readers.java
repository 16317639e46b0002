package dev.zumik.schemas.config;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Consumer settings for reading what Zumik's transactions committed: every import, verdict and purge is written in a
 * transaction, so every reader is read_committed, and none of them may inherit a producer's transactional id.
 */
public final class Readers {
    private Readers() { }

    /** A reader that assigns partitions and seeks itself: read_committed, no group, no offset commits. */
    public static Properties committed(final Map<String, ?> client) {
        final Properties props = base(client);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    /** A member of {@code groupId} that commits its own offsets: read_committed, from the earliest offset, no auto commit. */
    public static Properties committedGroup(final Map<String, ?> client, final String groupId) {
        final Properties props = base(client);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    private static Properties base(final Map<String, ?> client) {
        final Properties props = new Properties();
        props.putAll(client);
        props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return props;
    }
}
