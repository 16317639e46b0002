package dev.zumik.streams.topology;

import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.topics.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * Per-lane window statistics with simulated prefix reuse, and the diagnosis of every lane per
 * evaluation period. In: SHAPES (keyed by lane). Out: LANE_STATS (one final record per lane and
 * window, after the grace), DIAGNOSES (per lane and period), REPLAY_REQUESTS (event-triggered, with a
 * cooldown), DEAD_LETTERS (undeserializable or invalid shapes, with the reason).
 */
public final class LaneAnalysisTopology {
    public static final String WINDOW_STORE = "lane-windows";
    /** How long windows stay queryable through the API (GET /lanes/{lane}/stats). */
    static final Duration QUERYABLE_RETENTION = Duration.ofHours(24);

    private LaneAnalysisTopology() { }

    public static Topology build(final StreamsSettings settings, final Topics topics) {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LaneLog.SNAPSHOTS), Serdes.String(),
                Serdes.ByteArray()));
        builder.addStateStore(Stores.timestampedWindowStoreBuilder(Stores.persistentTimestampedWindowStore(WINDOW_STORE,
                max(QUERYABLE_RETENTION, settings.window().plus(settings.grace())), settings.window(), false), Serdes.Bytes(),
                WindowAccumulator.serde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DiagnosisProcessor.WINDOWS), Serdes.String(),
                Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DiagnosisProcessor.MARKS), Serdes.String(),
                Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DiagnosisProcessor.LATEST), Serdes.String(),
                Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DemandHours.STORE), Serdes.String(),
                Serdes.ByteArray()));

        final KStream<Bytes, Intake> intake = builder.stream(topics.shapes().name(),
                        Consumed.with(Serdes.Bytes(), Serdes.ByteArray()).withName("shapes-source"))
                .processValues(() -> new ShapeIntake(topics.shapes().valueSerde().deserializer()), Named.as("shape-intake"));

        final var branches = intake.split(Named.as("intake-"))
                .branch((key, in) -> !in.valid(), Branched.as("dead"))
                .defaultBranch(Branched.as("valid"));

        branches.get("intake-dead")
                .mapValues(Intake::deadLetter, Named.as("to-dead-letter"))
                .to(topics.deadLetters().name(), TopicStreams.produced(topics.deadLetters()).withName("dead-letters-sink"));

        final KStream<String, LaneWindowStats> laneStats = branches.get("intake-valid")
                .process(() -> new LaneProcessor(lane -> CachePolicy.forModel(settings.policies(), settings.diagnosis().prices(),
                        lane.getProvider(), lane.getModel()), settings.snapshotEvery(), settings.window(), settings.grace(),
                        topics.shapes().valueSerde().deserializer(), topics.shapes().name()), Named.as("lanes"),
                        LaneLog.SNAPSHOTS, WINDOW_STORE);
        laneStats.to(topics.laneStats().name(), TopicStreams.produced(topics.laneStats()).withName("lane-stats-sink"));

        // diagnosis needs every lane at once (concentration is across lanes): one partition, one task
        final var outcomes = laneStats
                .repartition(Repartitioned.<String, LaneWindowStats>as("lane-stats-all").withKeySerde(Serdes.String())
                        .withValueSerde(topics.laneStats().valueSerde()).withNumberOfPartitions(1))
                .process(() -> new DiagnosisProcessor(settings.diagnosis(), settings.window().toMillis()), Named.as("diagnosis"),
                        DiagnosisProcessor.WINDOWS, DiagnosisProcessor.MARKS, DiagnosisProcessor.LATEST, DemandHours.STORE)
                .split(Named.as("outcome-"))
                .branch((key, value) -> value instanceof DiagnosisOutcome.Diagnosed, Branched.as("diagnosis"))
                .defaultBranch(Branched.as("replay"));
        outcomes.get("outcome-diagnosis").mapValues(v -> ((DiagnosisOutcome.Diagnosed) v).diagnosis(), Named.as("as-diagnosis"))
                .to(topics.diagnoses().name(), TopicStreams.produced(topics.diagnoses()).withName("diagnoses-sink"));
        outcomes.get("outcome-replay").mapValues(v -> ((DiagnosisOutcome.ReplayAsked) v).request(), Named.as("as-replay-request"))
                .to(topics.replayRequests().name(), TopicStreams.produced(topics.replayRequests()).withName("replay-requests-sink"));
        return builder.build();
    }

    private static Duration max(final Duration a, final Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
