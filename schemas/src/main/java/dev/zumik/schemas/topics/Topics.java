package dev.zumik.schemas.topics;

import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.PurgeEvidence;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.registry.SchemaRegistry;
import dev.zumik.schemas.serde.ConfluentAvroSerde;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;

/**
 * Every Zumik topic in one place: name, partitions, retention or compaction, and serdes. Keys are
 * strings (a lane's {@code provider/model/route}, or a request id); values are Avro in the Confluent
 * wire format. The dead-letter topic keeps the original key bytes.
 */
public final class Topics {
    public static final String SHAPES = "zumik.shapes.v1";
    public static final String LANE_STATS = "zumik.lane-stats.v1";
    public static final String DIAGNOSES = "zumik.diagnoses.v1";
    public static final String REPLAY_REQUESTS = "zumik.replay-requests.v1";
    public static final String VERDICTS = "zumik.verdicts.v1";
    public static final String DEAD_LETTERS = "zumik.dead-letters.v1";
    public static final String PURGES = "zumik.purges.v1";

    /** Default partitions of the high-volume shape topic; the others are small. */
    public static final int DEFAULT_SHAPE_PARTITIONS = 6;

    private final Topic<String, RequestShape> shapes;
    private final Topic<String, LaneWindowStats> laneStats;
    private final Topic<String, LaneDiagnosis> diagnoses;
    private final Topic<String, ReplayRequest> replayRequests;
    private final Topic<String, Verdict> verdicts;
    private final Topic<Bytes, DeadLetter> deadLetters;
    private final Topic<String, PurgeEvidence> purges;

    private Topics(final SchemaRegistry registry, final int shapePartitions, final String prefix) {
        final Serde<String> keys = Serdes.String();
        // Replays load windows from the shape topic, so its retention bounds how far back a replay can go.
        shapes = new Topic<>(prefix + SHAPES, shapePartitions, retention(Duration.ofDays(7)), keys,
                avro(registry, RequestShape.class));
        laneStats = new Topic<>(prefix + LANE_STATS, 3, retention(Duration.ofDays(30)), keys,
                avro(registry, LaneWindowStats.class));
        // Latest diagnosis per lane is what matters; compaction keeps it, deletion bounds the history.
        diagnoses = new Topic<>(prefix + DIAGNOSES, 3, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(30).toMillis())), keys,
                avro(registry, LaneDiagnosis.class));
        replayRequests = new Topic<>(prefix + REPLAY_REQUESTS, 3, retention(Duration.ofDays(7)), keys,
                avro(registry, ReplayRequest.class));
        // Verdicts are evidence: kept until deleted on purpose, one per request id.
        verdicts = new Topic<>(prefix + VERDICTS, 3, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), keys,
                avro(registry, Verdict.class));
        deadLetters = new Topic<>(prefix + DEAD_LETTERS, 1, retention(Duration.ofDays(30)), Serdes.Bytes(),
                avro(registry, DeadLetter.class));
        // Purge evidence is kept: the latest purge of each tenant, by tenant.
        purges = new Topic<>(prefix + PURGES, 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT), keys,
                avro(registry, PurgeEvidence.class));
    }

    /**
     * The topics with serdes bound to {@code registry}. A null registry gives the layout only, for
     * admin work; its serdes then fail with a clear message if used.
     */
    public static Topics create(final SchemaRegistry registry) {
        return new Topics(registry, DEFAULT_SHAPE_PARTITIONS, "");
    }

    public static Topics create(final SchemaRegistry registry, final int shapePartitions) {
        return new Topics(registry, shapePartitions, "");
    }

    /**
     * Topics whose names start with {@code prefix} (e.g. {@code staging.}), for several Zumik
     * deployments on one cluster, or isolated tests.
     */
    public static Topics create(final SchemaRegistry registry, final int shapePartitions, final String prefix) {
        return new Topics(registry, shapePartitions, prefix);
    }

    /** Value schemas by topic name, to register ahead of producers that run with auto.register.schemas=false. */
    public Map<String, Schema> valueSchemas() {
        final Map<String, Schema> out = new LinkedHashMap<>();
        out.put(shapes.name(), RequestShape.getClassSchema());
        out.put(laneStats.name(), LaneWindowStats.getClassSchema());
        out.put(diagnoses.name(), LaneDiagnosis.getClassSchema());
        out.put(replayRequests.name(), ReplayRequest.getClassSchema());
        out.put(verdicts.name(), Verdict.getClassSchema());
        out.put(deadLetters.name(), DeadLetter.getClassSchema());
        out.put(purges.name(), PurgeEvidence.getClassSchema());
        return out;
    }

    public Topic<String, RequestShape> shapes() {
        return shapes;
    }

    public Topic<String, LaneWindowStats> laneStats() {
        return laneStats;
    }

    public Topic<String, LaneDiagnosis> diagnoses() {
        return diagnoses;
    }

    public Topic<String, ReplayRequest> replayRequests() {
        return replayRequests;
    }

    public Topic<String, Verdict> verdicts() {
        return verdicts;
    }

    public Topic<Bytes, DeadLetter> deadLetters() {
        return deadLetters;
    }

    public Topic<String, PurgeEvidence> purges() {
        return purges;
    }

    public List<Topic<?, ?>> all() {
        return List.of(shapes, laneStats, diagnoses, replayRequests, verdicts, deadLetters, purges);
    }

    private static Map<String, String> retention(final Duration retention) {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }

    private static <T extends SpecificRecord> Serde<T> avro(final SchemaRegistry registry, final Class<T> type) {
        return new ConfluentAvroSerde<>(registry, type, false);
    }
}
