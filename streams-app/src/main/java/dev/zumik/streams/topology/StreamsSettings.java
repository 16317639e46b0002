package dev.zumik.streams.topology;

import dev.zumik.core.reuse.CachePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Settings of the streams app: the application id and clients, the window and its grace, the cache
 * policies simulated per lane (by default the ideal cache, the managed model and each BYOC profile's
 * tier chain), how often a lane's reuse state is snapshotted, and how lanes are diagnosed.
 *
 * @param kafka          client properties passed through (bootstrap.servers, security, ...)
 * @param snapshotEvery  events per lane between snapshots of its reuse state; a restore observes at most about this many
 *                       per lane again, read back from the input
 */
public record StreamsSettings(String applicationId, Map<String, Object> kafka, Duration window, Duration grace,
                              List<CachePolicy> policies, int snapshotEvery, Path stateDir, DiagnosisSettings diagnosis) {
    public static final String DEFAULT_APPLICATION_ID = "zumik-streams";
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    public static final String DEFAULT_POLICIES = "infinite,managed";
    public static final int DEFAULT_SNAPSHOT_EVERY = 50_000;

    public StreamsSettings {
        if (window.isZero() || window.isNegative() || grace.isNegative()) {
            throw new IllegalArgumentException("the window must be > 0 and the grace >= 0");
        }
        if (policies.isEmpty() || snapshotEvery < 1) {
            throw new IllegalArgumentException("at least one cache policy, and a snapshot interval >= 1, are required");
        }
        kafka = Map.copyOf(kafka);
        policies = List.copyOf(policies);
    }

    public static StreamsSettings defaults(final Map<String, Object> kafka, final Path stateDir) {
        final DiagnosisSettings diagnosis = DiagnosisSettings.defaults();
        return new StreamsSettings(DEFAULT_APPLICATION_ID, kafka, DEFAULT_WINDOW, DEFAULT_GRACE, policiesFor(diagnosis),
                DEFAULT_SNAPSHOT_EVERY, stateDir, diagnosis);
    }

    /** The ideal cache, the managed model, and each profile's tier chain under the profile's name. */
    public static List<CachePolicy> policiesFor(final DiagnosisSettings diagnosis) {
        final List<CachePolicy> out = new ArrayList<>(CachePolicy.parseList(DEFAULT_POLICIES));
        diagnosis.profiles().forEach(p -> out.add(p.cachePolicy()));
        return out;
    }

    public StreamsSettings withApplicationId(final String id) {
        return new StreamsSettings(id, kafka, window, grace, policies, snapshotEvery, stateDir, diagnosis);
    }

    public StreamsSettings withPolicies(final List<CachePolicy> newPolicies) {
        return new StreamsSettings(applicationId, kafka, window, grace, newPolicies, snapshotEvery, stateDir, diagnosis);
    }

    public StreamsSettings withWindow(final Duration newWindow, final Duration newGrace) {
        return new StreamsSettings(applicationId, kafka, newWindow, newGrace, policies, snapshotEvery, stateDir, diagnosis);
    }

    public StreamsSettings withSnapshotEvery(final int events) {
        return new StreamsSettings(applicationId, kafka, window, grace, policies, events, stateDir, diagnosis);
    }

    public StreamsSettings withDiagnosis(final DiagnosisSettings newDiagnosis) {
        return new StreamsSettings(applicationId, kafka, window, grace, policies, snapshotEvery, stateDir, newDiagnosis);
    }

    public StreamsSettings withStateDir(final Path dir) {
        return new StreamsSettings(applicationId, kafka, window, grace, policies, snapshotEvery, dir, diagnosis);
    }

    /** The producers' batch size unless the client properties set one (Kafka's default is 16 KiB). */
    public static final int PRODUCER_BATCH_BYTES = 256 * 1024;

    /** Kafka Streams properties: exactly_once_v2 unless the pass-through says otherwise. */
    public Properties streamsProperties() {
        final Map<String, Object> p = new HashMap<>(kafka);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // outputs are per window and per period: a transaction a second instead of EOS's default ten
        p.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        p.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.putIfAbsent(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 16L * 1024 * 1024);
        p.putIfAbsent("processing.exception.handler.global.enabled", true);
        // snapshot chunks are up to 512 KiB: larger batches, fewer produce requests
        if (!p.containsKey(ProducerConfig.BATCH_SIZE_CONFIG)) {
            p.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        }
        final Properties props = new Properties();
        props.putAll(p);
        return props;
    }
}
