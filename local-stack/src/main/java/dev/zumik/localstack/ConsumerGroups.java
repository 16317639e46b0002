package dev.zumik.localstack;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Where a consumer group stands, for tests and benchmarks that wait for an application to finish its input. */
public final class ConsumerGroups {
    private ConsumerGroups() { }

    /**
     * Whether {@code group}'s committed offsets reach the end of every partition of {@code topic}; a
     * partition that never had a record needs no committed offset.
     */
    public static boolean caughtUp(final Admin admin, final String group, final String topic) throws ExecutionException, InterruptedException {
        final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(e -> e.getValue().offset() == 0
                || committed.containsKey(e.getKey()) && committed.get(e.getKey()).offset() >= e.getValue().offset());
    }
}
