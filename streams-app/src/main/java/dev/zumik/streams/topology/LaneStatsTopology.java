package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Per-lane window statistics with simulated prefix reuse. In: SHAPES (keyed by lane). Out: LANE_STATS
 * (one final record per lane and window, after the grace), DEAD_LETTERS (undeserializable or invalid
 * shapes, with the reason).
 */
public final class LaneStatsTopology {
    static final String WINDOW_STORE = "lane-window-store";

    private LaneStatsTopology() { }

    public static Topology build(final StreamsSettings settings, final Topics topics) {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReuseProcessor.SNAPSHOTS), Serdes.String(),
                Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ReuseProcessor.JOURNAL), Serdes.String(),
                Serdes.ByteArray()));

        final KStream<Bytes, Intake> intake = builder.stream(topics.shapes().name(),
                        Consumed.with(Serdes.Bytes(), Serdes.ByteArray()).withName("shapes-source"))
                .processValues(() -> new ShapeIntake(topics.shapes().valueSerde().deserializer()), Named.as("shape-intake"));

        final var branches = intake.split(Named.as("intake-"))
                .branch((key, in) -> !in.valid(), Branched.as("dead"))
                .defaultBranch(Branched.as("valid"));

        branches.get("intake-dead")
                .mapValues(Intake::deadLetter, Named.as("to-dead-letter"))
                .to(topics.deadLetters().name(), Produced.with(topics.deadLetters().keySerde(), topics.deadLetters().valueSerde())
                        .withName("dead-letters-sink"));

        branches.get("intake-valid")
                .processValues(() -> new ReuseProcessor(settings.policies(), settings.snapshotEvery()), Named.as("reuse-simulation"),
                        ReuseProcessor.SNAPSHOTS, ReuseProcessor.JOURNAL)
                .groupByKey(Grouped.<Bytes, SimulatedShape>as("lane-shapes").withKeySerde(Serdes.Bytes()))
                .windowedBy(TimeWindows.ofSizeAndGrace(settings.window(), settings.grace()))
                .aggregate(WindowAccumulator::new, (key, shape, acc) -> acc.add(shape), Named.as("lane-window-aggregate"),
                        Materialized.<Bytes, WindowAccumulator, WindowStore<Bytes, byte[]>>as(WINDOW_STORE)
                                .withKeySerde(Serdes.Bytes()).withValueSerde(WindowAccumulator.serde()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()).withName("lane-window-final"))
                .toStream(Named.as("lane-window-closed"))
                .map((window, acc) -> {
                    final String lane = new String(window.key().get(), StandardCharsets.UTF_8);
                    return KeyValue.pair(lane, acc.toStats(Lanes.parse(lane), window.window().start(), window.window().end()));
                }, Named.as("to-lane-stats"))
                .to(topics.laneStats().name(), Produced.<String, LaneWindowStats>with(topics.laneStats().keySerde(),
                        topics.laneStats().valueSerde()).withName("lane-stats-sink"));
        return builder.build();
    }
}
