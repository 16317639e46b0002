package dev.zumik.streams;

import dev.zumik.schemas.topics.Topics;
import dev.zumik.streams.topology.LaneAnalysisTopology;
import dev.zumik.streams.topology.StreamsSettings;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running streams app: the topology in a {@link KafkaStreams} instance under the settings'
 * application id. Instances with one application id share the work by partition; bad records never
 * reach this handler (intake dead-letters them), so an unexpected error replaces the stream thread
 * rather than stopping the app.
 */
public final class StreamsApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsApp.class);
    private final KafkaStreams streams;

    private StreamsApp(final KafkaStreams streams) {
        this.streams = streams;
    }

    public static StreamsApp start(final StreamsSettings settings, final Topics topics) {
        final KafkaStreams streams = new KafkaStreams(LaneAnalysisTopology.build(settings, topics), settings.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        return new StreamsApp(streams);
    }

    /** Waits until the instance is RUNNING; false when the time runs out or it failed. */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
