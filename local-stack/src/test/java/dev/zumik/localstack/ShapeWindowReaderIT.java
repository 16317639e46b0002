package dev.zumik.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.localstack.RecentTime;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import dev.zumik.schemas.serde.ConfluentAvroSerializer;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.ShapeWindowReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class ShapeWindowReaderIT {

    @Test
    void shouldFindShapesAppendedOutOfArrivalOrderAndOnlyThoseOfTheWindowAndLane(final LocalStack stack) throws Exception {
        // given: one partition; a long request arriving at +5 s is appended after later ones, as a proxy does
        final String topic = LocalStack.uniqueTopic("window");
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all().get();
        }
        final Instant t0 = RecentTime.yesterdayMidnight();
        final Lane lane = Lanes.parse("openai/gpt-4o-mini//v1/chat/completions");
        final Lane other = Lanes.parse("openai/gpt-4o//v1/chat/completions");
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, RequestShape> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ConfluentAvroSerializer<>(stack.registryClient(), false))) {
            for (final long[] spec : new long[][] {{-1_000, 0}, {10_000, 0}, {5_000, 0}, {12_000, 1}, {100_000, 0}, {8_000, 0}, {2_000_000, 0}, {9_000, 0}}) {
                final RequestShape shape = SampleShapes.shape((int) spec[0] & 0xffff);
                shape.setLane(spec[1] == 0 ? lane : other);
                shape.setArrivalTime(t0.plusMillis(spec[0]));
                producer.send(new ProducerRecord<>(topic, null, shape.getArrivalTime().toEpochMilli(), Lanes.key(shape.getLane()), shape)).get();
            }
        }

        // when: the window [t0, t0 + 50 s)
        final ShapeWindowReader.Window window = ShapeWindowReader.read(Map.of("bootstrap.servers", stack.bootstrapServers()), topic,
                new ConfluentAvroDeserializer<>(stack.registryClient(), RequestShape.class), lane, t0, t0.plusSeconds(50));

        // then: the late +8 s shape counts (appended before anything stamped past to + lateness), the +9 s one after
        // a record 33 minutes later does not, nor do the other lane, the record before `from` or the one after `to`
        assertThat(window.shapes()).extracting(s -> s.getArrivalTime().toEpochMilli() - t0.toEpochMilli())
                .containsExactly(5_000L, 8_000L, 10_000L);
        assertThat(window.truncatedByRetention()).isFalse();
    }
}
