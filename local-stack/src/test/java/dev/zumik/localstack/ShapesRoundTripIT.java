package dev.zumik.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class ShapesRoundTripIT {
    private static final int COUNT = 10_000;

    @Test
    void shouldRoundTripTenThousandShapesThroughBrokerAndRegistry(final LocalStack stack) throws Exception {
        // given: the production topic definition and serdes, on a topic of this test's own
        final Topic<String, RequestShape> shapes = Topics.create(stack.registryClient()).shapes();
        final String topic = LocalStack.uniqueTopic(shapes.name());
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new Topic<>(topic, shapes.partitions(), shapes.config(), shapes.keySerde(),
                    shapes.valueSerde()).newTopic(Optional.empty()))).all().get();
        }
        final List<RequestShape> sent = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            sent.add(SampleShapes.shape(i));
        }

        // when
        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, RequestShape> producer = new KafkaProducer<>(producerProps,
                shapes.keySerde().serializer(), shapes.valueSerde().serializer())) {
            for (final RequestShape shape : sent) {
                producer.send(new ProducerRecord<>(topic, shape.getLane().getProvider() + "/" + shape.getLane().getModel(), shape));
            }
            producer.flush();
        }
        final List<RequestShape> received = new ArrayList<>();
        final Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, RequestShape> consumer = new KafkaConsumer<>(consumerProps,
                shapes.keySerde().deserializer(), shapes.valueSerde().deserializer())) {
            consumer.subscribe(Set.of(topic));
            final long deadline = System.currentTimeMillis() + 60_000;
            while (received.size() < COUNT && System.currentTimeMillis() < deadline) {
                for (final ConsumerRecord<String, RequestShape> record : consumer.poll(Duration.ofMillis(500))) {
                    received.add(record.value());
                }
            }
        }

        // then: every record back, equal field by field (nullable fields set and unset)
        assertThat(received).hasSize(COUNT).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(stack.registryClient().subjects()).contains(topic + "-value");
    }
}
