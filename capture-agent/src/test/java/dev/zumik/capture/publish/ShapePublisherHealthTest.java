package dev.zumik.capture.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.zumik.capture.ShapingPriority;
import dev.zumik.schemas.registry.InMemorySchemaRegistry;
import dev.zumik.schemas.topics.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapePublisherHealthTest {

    @Test
    void shouldSayUnknownUntilKafkaFirstAnswersThenDownWithoutAnyTraffic() throws Exception {
        // given a publisher whose Kafka does not listen, and no shape to send
        final int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        final ShapePublisher publisher = new ShapePublisher(Map.of("bootstrap.servers", "127.0.0.1:" + closed),
                Topics.create(new InMemorySchemaRegistry()).shapes(), 1 << 20, ShapingPriority.IDLE,
                new SimpleMeterRegistry());
        try {
            // then its health is unknown at first (the first metadata request takes up to max.block.ms), then DOWN
            assertThat(publisher.kafkaState()).isEqualTo("UNKNOWN");
            await().atMost(Duration.ofSeconds(15)).until(() -> publisher.kafkaState().equals("DOWN"));
        } finally {
            publisher.close();
        }
    }
}
