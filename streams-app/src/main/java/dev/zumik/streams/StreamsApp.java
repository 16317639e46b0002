package dev.zumik.streams;

import dev.zumik.schemas.topics.Topics;
import dev.zumik.streams.api.QueryApi;
import dev.zumik.streams.topology.IncompatibleStateException;
import dev.zumik.streams.topology.LaneAnalysisTopology;
import dev.zumik.streams.topology.StreamsSettings;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
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
    private QueryApi api;
    private final CompletableFuture<String> fatal = new CompletableFuture<>();

    private StreamsApp(final KafkaStreams streams) {
        this.streams = streams;
    }

    public static StreamsApp start(final StreamsSettings settings, final Topics topics) {
        return start(settings, topics, null, -1);
    }

    /**
     * Starts the app and, unless {@code apiPort} is negative, its query API on {@code apiHost:apiPort}
     * (a fixed port: other instances forward to it under this address).
     */
    public static StreamsApp start(final StreamsSettings settings, final Topics topics, final String apiHost, final int apiPort) {
        final Properties props = settings.streamsProperties();
        if (apiPort >= 0) {
            props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, apiHost + ":" + apiPort);
        }
        final KafkaStreams streams = new KafkaStreams(LaneAnalysisTopology.build(settings, topics), props);
        final StreamsApp app = new StreamsApp(streams);
        streams.setUncaughtExceptionHandler(app::onStreamThreadFailure);
        streams.start();
        if (apiPort >= 0) {
            try {
                app.api = QueryApi.start(streams, apiHost, apiPort, settings.window().toMillis());
            } catch (final RuntimeException e) {
                app.close();
                throw e;
            }
        }
        return app;
    }

    /**
     * A failed stream thread is replaced, unless the state it read cannot be continued from: then the
     * app stops, says why in one line, and {@link #fatal} completes with the reason.
     */
    StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onStreamThreadFailure(final Throwable error) {
        final IncompatibleStateException incompatible = IncompatibleStateException.in(error);
        if (incompatible != null) {
            LOG.error("stopping: {}", incompatible.getMessage());
            fatal.complete(incompatible.getMessage());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        LOG.error("stream thread failed; replacing it", error);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Completes with the reason when the app stopped itself because its state cannot be continued from. */
    public CompletableFuture<String> fatal() {
        return fatal;
    }

    /** The query API's port, or -1 without one. */
    public int apiPort() {
        return api == null ? -1 : api.port();
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

    /** The Kafka Streams state name: CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING or ERROR. */
    public String state() {
        return streams.state().name();
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        streams.close(Duration.ofSeconds(30));
    }
}
