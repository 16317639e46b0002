package dev.zumik.streams.topology;

import dev.zumik.schemas.topics.Topic;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** A topic's serdes as Kafka Streams reads and writes it (here, not on {@link Topic}: only the streams app needs Streams). */
public final class TopicStreams {
    private TopicStreams() { }

    public static <K, V> Consumed<K, V> consumed(final Topic<K, V> topic) {
        return Consumed.with(topic.keySerde(), topic.valueSerde());
    }

    public static <K, V> Produced<K, V> produced(final Topic<K, V> topic) {
        return Produced.with(topic.keySerde(), topic.valueSerde());
    }
}
