package dev.zumik.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.RecentTime;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lane processor against real Kafka Streams stores and a real input topic: a processor that starts
 * on the stores another left behind (a restart, a rebalance), at the offset the first committed, reads
 * the input back from its replay start and continues exactly as one uninterrupted run, wherever the
 * cut. The input holds records intake turns away, as a real one does.
 */
@ExtendWith(LocalStackExtension.class)
class LaneProcessorIT {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final List<Lane> LANES = List.of(new Lane("openai", "gpt-4.1", "chat"), new Lane("openai", "gpt-4o", "batch"),
            new Lane("anthropic", "claude-sonnet-4", "agent"));
    private static final List<CachePolicy> POLICIES = CachePolicy.parseList("infinite,lru:20000,ttl:90s,managed");
    private static final int SNAPSHOT_EVERY = 37;

    private LocalStack stack;
    private Topics topics;
    /** The application id, whose committed offsets a restarted processor resumes from. */
    private String applicationId;
    private List<Record<Bytes, Intake>> input;
    private int late;
    /** The input without its late shapes: what an earlier build, which left them uncounted, would count the same. */
    private List<Record<Bytes, Intake>> onTime;

    @BeforeEach
    void shapes(final LocalStack stack) {
        this.stack = stack;
        topics = Topics.create(stack.registryClient());
        applicationId = "lane-processor-it-" + UUID.randomUUID();
        input = new ArrayList<>();
        onTime = new ArrayList<>();
        late = 0;
        final Random random = new Random(11);
        final Instant t0 = RecentTime.yesterdayMidnight();
        // 12 minutes of three lanes, arrivals up to 20 s out of order; every 97th shape is 3 minutes late (past the grace)
        for (int i = 0; i < 1800; i++) {
            final boolean tooLate = i > 400 && i % 97 == 0;
            late += tooLate ? 1 : 0;
            final long offset = i * 400L - random.nextInt(20_000) - (tooLate ? 180_000 : 0);
            input.add(record(LANES.get(random.nextInt(LANES.size())), t0.plusMillis(Math.max(0, offset)), random));
            if (!tooLate) {
                onTime.add(input.get(input.size() - 1));
            }
        }
        // a shape an hour later closes every window
        input.add(record(LANES.get(0), t0.plus(Duration.ofHours(1)), random));
        onTime.add(input.get(input.size() - 1));
    }

    @Test
    void shouldEmitWhatAnUninterruptedRunEmitsWhenRestartedOnItsStoresAtAnyPoint() {
        // given what one processor emits over the whole input
        final Trace trace = publish(input);
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), trace);
        assertThat(uninterrupted).hasSize(3 * 12);
        // every shape but the last (whose window is still open) is counted: the late ones in a later window, as late
        assertThat(uninterrupted.stream().mapToLong(r -> r.value().getRequests()).sum()).isEqualTo(input.size() - 1);
        assertThat(uninterrupted.stream().mapToLong(r -> r.value().getLateRequests()).sum()).isEqualTo(late);

        for (final int cut : new int[] {1, 300, 555, 1200, 1700}) {
            // when one processor takes the input up to the cut and a new one, on the same stores, the rest
            // then the same windows come out, with the same figures, once each
            assertThat(runCutAt(trace, cut)).as("cut at %d", cut).isEqualTo(uninterrupted);
        }
    }

    @Test
    void shouldContinueExactlyWhenTheSnapshotIntervalChangesAcrossRestarts() {
        // given what one processor emits over the whole input
        final Trace trace = publish(input);
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), trace);

        for (final int[] intervals : new int[][] {{37, 23, 23}, {37, 61, 61}, {23, 37, 9}}) {
            // when the state is written with one interval, then restored and continued with another, briefly (too few
            // shapes for every lane to reach its next snapshot), then restored again
            final LaneStores stores = newStores();
            final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(run(stores, trace, 0, 700, intervals[0], new Properties()));
            emitted.addAll(run(stores, trace, 700, 712, intervals[1], new Properties()));
            emitted.addAll(run(stores, trace, 712, input.size(), intervals[2], new Properties()));

            // then
            assertThat(emitted).as("intervals %s", Arrays.toString(intervals)).isEqualTo(uninterrupted);
        }
    }

    @Test
    void shouldWriteNoShapeAgainAndKeepTheReplayStartWithinItsSpan() {
        // given the input after one shape of a lane that never has another
        final List<Record<Bytes, Intake>> withQuietLane = new ArrayList<>();
        withQuietLane.add(record(new Lane("openai", "gpt-4o-mini", "once"), input.get(0).value().shape().getArrivalTime(), new Random(3)));
        withQuietLane.addAll(input);

        // when
        final Trace trace = publish(withQuietLane);
        final LaneStores stores = newStores();
        run(stores, trace);

        // then the shapes stay in the input alone (the snapshot store holds snapshots, no shape), and a restore would read at
        // most the span back (two snapshot intervals per lane): the quiet lane was snapshotted once its shape fell that far behind
        try (var all = stores.snapshots.all()) {
            all.forEachRemaining(e -> assertThat(e.key).matches(".*#(meta|chunk#\\d+|added#\\d+)|#replay-start|#clock"));
        }
        final long span = 2L * SNAPSHOT_EVERY * (LANES.size() + 1);
        assertThat(replayStart(stores)).isBetween(trace.end() - span, trace.end());
        // and every lane's snapshot covers the input up to some offset no later than the end
        assertThat(coveredTo(stores)).hasSize(LANES.size() + 1).allSatisfy((lane, offset) -> assertThat(offset).isBetween(0L, trace.end()));
    }

    @Test
    void shouldSnapshotLanesWhoseShapesLingerOnTheWallClockAndContinueExactlyFromThere() {
        // given what one processor emits over the whole input, and a processor that has taken it up to a shape that
        // comes too late for its window, so that each lane has shapes after its snapshot
        final Trace trace = publish(input);
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), trace);
        final int tooLate = 485;
        assertThat(input.get(tooLate).timestamp()).isLessThan(input.get(tooLate - 1).timestamp() - WINDOW.toMillis() - GRACE.toMillis());
        final LaneStores stores = newStores();
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new Properties());
        final LaneProcessor processor = processor(trace, SNAPSHOT_EVERY);
        processor.init(context);
        for (int i = 0; i < tooLate; i++) {
            process(context, processor, trace, i);
        }
        final long position = trace.offsets().get(tooLate - 1) + 1;
        assertThat(replayStart(stores)).isLessThan(position);
        final var lingerCheck = context.scheduledPunctuators().stream()
                .filter(p -> p.getInterval().equals(LaneProcessor.LINGER_CHECK_EVERY)).findFirst().orElseThrow().getPunctuator();

        // when the wall-clock check runs once (the shapes came after the previous check), then again
        lingerCheck.punctuate(System.currentTimeMillis());
        final long afterFirst = replayStart(stores);
        lingerCheck.punctuate(System.currentTimeMillis());

        // then the first leaves them, the second snapshots every lane: a restore reads back from the next shape
        assertThat(afterFirst).isLessThan(position);
        assertThat(replayStart(stores)).isEqualTo(position);
        assertThat(coveredTo(stores)).hasSize(LANES.size()).allSatisfy((lane, offset) -> assertThat(offset).isEqualTo(position));

        // and a run cut a few shapes on, whose restore starts at the late shape, continues exactly: the late shape
        // is counted as late again, in the same window
        final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(context.forwarded().stream()
                .map(f -> new Record<>(f.record().key(), f.record().value(), f.record().timestamp())).toList());
        for (int i = tooLate; i < tooLate + 5; i++) {
            process(context, processor, trace, i);
        }
        processor.close();
        commit(trace, trace.offsets().get(tooLate + 4) + 1);
        emitted.addAll(context.forwarded().stream().skip(emitted.size())
                .map(f -> new Record<>(f.record().key(), f.record().value(), f.record().timestamp())).toList());
        emitted.addAll(run(stores, trace, tooLate + 5, input.size(), SNAPSHOT_EVERY, new Properties()));
        assertThat(emitted).isEqualTo(uninterrupted);
    }

    @Test
    void shouldRefuseToContinueOnceRetentionHasDeletedTheShapesItNeeds() throws Exception {
        // given a run cut part way, whose replay start lies before the cut
        final Trace trace = publish(input);
        final LaneStores stores = newStores();
        run(stores, trace, 0, 900, SNAPSHOT_EVERY, new Properties());
        final long start = replayStart(stores);
        assertThat(start).isLessThan(trace.offsets().get(899));

        // when the input's retention deletes past the replay start
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition(trace.topic(), 0), RecordsToDelete.beforeOffset(start + 1))).all().get();
        }

        // then a processor starting on the state says so, and how to go on, rather than counting what is left
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new Properties());
        assertThatThrownBy(() -> processor(trace, SNAPSHOT_EVERY).init(context)).isInstanceOf(IncompatibleStateException.class)
                .hasMessageContaining("needs its shapes from offset " + start)
                .hasMessageContaining("retention has deleted them").hasMessageContaining("reset the streams application");
    }

    @Test
    void shouldContinueExactlyWhenShapesAreLarge() {
        // given shapes of long prompts (12,000 blocks, ~110 KB each; 256 distinct, so that the caches stay small)
        final Random random = new Random(5);
        final Instant t0 = RecentTime.yesterdayMidnight();
        final List<Record<Bytes, Intake>> large = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            large.add(record(LANES.get(i % 2), t0.plusMillis(i * 2_000L), random, 12_000));
        }
        large.add(record(LANES.get(0), t0.plus(Duration.ofHours(1)), random));
        final Trace trace = publish(large);
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), trace);
        assertThat(uninterrupted).isNotEmpty();

        // then a run cut anywhere, its shapes read back from the input, continues exactly
        for (final int cut : new int[] {7, 101}) {
            assertThat(runCutAt(trace, cut)).as("cut at %d", cut).isEqualTo(uninterrupted);
        }
    }

    @Test
    void shouldCloseAQuietLanesWindowsOnTheWallClockOnceAndCountLaterShapesForThemAsLate() {
        // given a processor that has taken the input up to shape 600, after which no shape comes for a while
        final Trace trace = publish(input);
        final int quietAfter = 600;
        final LaneStores stores = newStores();
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new Properties());
        final LaneProcessor processor = processor(trace, SNAPSHOT_EVERY);
        processor.init(context);
        for (int i = 0; i < quietAfter; i++) {
            process(context, processor, trace, i);
        }
        // the clock is the last punctuator scheduled (the open windows' writer runs every second too)
        final var scheduled = context.scheduledPunctuators();
        final var clock = scheduled.get(scheduled.size() - 1).getPunctuator();
        assertThat(scheduled.get(scheduled.size() - 1).getInterval()).isEqualTo(LaneProcessor.CLOCK_CHECK_EVERY);
        clock.punctuate(context.currentSystemTimeMs() + 500);
        assertThat(context.forwarded().stream().mapToLong(f -> f.record().value().getRequests()).sum()).as("half a second idle: no change")
                .isLessThan(quietAfter);

        // when the wall clock passes a window and the grace without shapes
        context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + WINDOW.plus(GRACE).toMillis() + 1_000);
        clock.punctuate(context.currentSystemTimeMs());

        // then every window, open ones included, is emitted with every shape so far
        final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(context.forwarded().stream()
                .map(f -> new Record<>(f.record().key(), f.record().value(), f.record().timestamp())).toList());
        assertThat(emitted.stream().mapToLong(r -> r.value().getRequests()).sum()).isEqualTo(quietAfter);

        // and a new processor on the stores (the offsets committed with them) emits none of them again, and counts the
        // shapes that come later for windows the clock closed as late
        processor.close();
        commit(trace, trace.offsets().get(quietAfter - 1) + 1);
        emitted.addAll(run(stores, trace, quietAfter, input.size(), SNAPSHOT_EVERY, new Properties()));
        assertThat(emitted.stream().map(r -> r.key() + "@" + r.value().getWindowStart())).doesNotHaveDuplicates();
        assertThat(emitted.stream().mapToLong(r -> r.value().getRequests()).sum()).isEqualTo(input.size() - 1);
        assertThat(emitted.stream().mapToLong(r -> r.value().getLateRequests()).sum()).isGreaterThan(late);
    }

    @Test
    void shouldWriteOpenWindowsToTheQueryableStoreOnTheWallClock() {
        // given a processor part way through the first windows
        final Trace trace = publish(input.subList(0, 100));
        final LaneStores stores = newStores();
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new Properties());
        final LaneProcessor processor = processor(trace, SNAPSHOT_EVERY);
        processor.init(context);
        for (int i = 0; i < 100; i++) {
            process(context, processor, trace, i);
        }
        final String lane = Lanes.key(input.get(0).value().shape().getLane());
        final long firstWindow = input.get(0).timestamp() - Math.floorMod(input.get(0).timestamp(), WINDOW.toMillis());
        assertThat(stores.windows.fetch(key(lane), firstWindow)).isNull();

        // when the wall-clock punctuation runs
        context.scheduledPunctuators().get(0).getPunctuator().punctuate(System.currentTimeMillis());

        // then the open window is there with what it has counted so far
        final ValueAndTimestamp<WindowAccumulator> stored = stores.windows.fetch(key(lane), firstWindow);
        assertThat(stored).isNotNull();
        final long counted = input.subList(0, 100).stream().filter(r -> Lanes.key(r.value().shape().getLane()).equals(lane))
                .filter(r -> r.timestamp() - Math.floorMod(r.timestamp(), WINDOW.toMillis()) == firstWindow).count();
        assertThat(stored.value().requests).isEqualTo(counted);
    }

    @Test
    void shouldKeepEachLanesIdealCacheInAdditionsThatFollowItsGrowth() {
        // when
        final LaneStores stores = newStores();
        run(stores, publish(input));

        // then each lane has one additions chunk per snapshot (all small), holding each block the lane's ideal cache
        // has once: cache count, then per record the ideal cache's block count and blocks (other caches add nothing)
        final Map<String, Integer> chunks = new TreeMap<>();
        final Map<String, Long> bytes = new TreeMap<>();
        try (var all = stores.snapshots.all()) {
            all.forEachRemaining(e -> {
                if (e.key.contains("#added#")) {
                    final String lane = e.key.substring(0, e.key.indexOf('#'));
                    chunks.merge(lane, 1, Integer::sum);
                    bytes.merge(lane, (long) e.value.length, Long::sum);
                }
            });
        }
        for (final Lane lane : LANES) {
            final String key = Lanes.key(lane);
            final String prefix = key.length() + ":" + key;
            final long shapes = input.stream().filter(r -> Lanes.key(r.value().shape().getLane()).equals(key)).count();
            final long blocks = input.stream().filter(r -> Lanes.key(r.value().shape().getLane()).equals(key))
                    .flatMap(r -> r.value().shape().getBlockHashes().stream()).distinct().count();
            final int snapshots = chunks.get(prefix);
            assertThat(snapshots).as(key).isGreaterThanOrEqualTo((int) (shapes / SNAPSHOT_EVERY));
            assertThat(bytes.get(prefix)).as(key).isLessThanOrEqualTo(snapshots * 2L * Integer.BYTES + blocks * Long.BYTES);
        }
    }

    @Test
    void shouldRefuseStateInAnotherBuildsForm() {
        // given a replay start, and a snapshot meta record in an unreleased build's 12-byte form
        final LaneStores stores = newStores();
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new Properties());
        stores.snapshots.put("#replay-start", java.nio.ByteBuffer.allocate(17).put((byte) 2).putLong(0).putLong(0).array());
        stores.snapshots.put("10:openai/x/y#meta", new byte[12]);

        // when / then
        assertThatThrownBy(() -> processor(publish(List.of()), SNAPSHOT_EVERY).init(context)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lane openai/x/y").hasMessageContaining("reset the streams application");
    }

    @Test
    void shouldRefuseSnapshotsWithoutAReplayStart() {
        // given a lane's snapshot in this build's form, but no replay start beside it
        final LaneStores stores = newStores();
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new Properties());
        stores.snapshots.put("10:openai/x/y#meta", ByteBuffer.allocate(25).put((byte) 4).array());

        // when / then
        assertThatThrownBy(() -> processor(publish(List.of()), SNAPSHOT_EVERY).init(context)).isInstanceOf(IncompatibleStateException.class)
                .hasMessageContaining("no replay start").hasMessageContaining("reset the streams application");
    }

    /** Shapes on an input topic of their own (one partition) at {@code offsets}, and records intake turns away between them. */
    private record Trace(String topic, List<Record<Bytes, Intake>> records, List<Long> offsets) {
        /** The offset after the last shape. */
        long end() {
            return offsets.get(offsets.size() - 1) + 1;
        }
    }

    /** Publishes the shapes as the capture agent does, with bytes that are no shape after every 40th and a tombstone after every 80th. */
    private Trace publish(final List<Record<Bytes, Intake>> records) {
        final String topic = LocalStack.uniqueTopic("lane-input");
        final List<Long> offsets = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                final Record<Bytes, Intake> record = records.get(i);
                final byte[] raw = topics.shapes().valueSerde().serializer().serialize(topics.shapes().name(), record.value().shape());
                sent.add(producer.send(new ProducerRecord<>(topic, 0, record.timestamp(), record.key().get(), raw)));
                if (i % 40 == 39) {
                    producer.send(new ProducerRecord<>(topic, 0, record.timestamp(), record.key().get(),
                            i % 80 == 39 ? "not a shape".getBytes(StandardCharsets.UTF_8) : null));
                }
            }
            for (final var metadata : sent) {
                offsets.add(metadata.get().offset());
            }
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
        return new Trace(topic, records, offsets);
    }

    /** Commits the application's offset for the trace's partition, as Kafka Streams does with a task's transaction. */
    private void commit(final Trace trace, final long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", stack.bootstrapServers(),
                "group.id", applicationId), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.commitSync(Map.of(new TopicPartition(trace.topic(), 0), new OffsetAndMetadata(offset)));
        }
    }

    /** The replay start's offset in the snapshot store. */
    private static long replayStart(final LaneStores stores) {
        return ByteBuffer.wrap(stores.snapshots.get("#replay-start"), 1, 8).getLong();
    }

    /** Each lane's snapshot's offset covered to, by the lane's key prefix. */
    private static Map<String, Long> coveredTo(final LaneStores stores) {
        final Map<String, Long> out = new TreeMap<>();
        try (var all = stores.snapshots.all()) {
            all.forEachRemaining(e -> {
                if (e.key.endsWith("#meta")) {
                    out.put(e.key, ByteBuffer.wrap(e.value, 9, 8).getLong());
                }
            });
        }
        return out;
    }

    /** The two stores of the lane processor, in memory, without changelogs. */
    private record LaneStores(KeyValueStore<String, byte[]> snapshots,
                          TimestampedWindowStore<Bytes, WindowAccumulator> windows) { }

    private static LaneStores newStores() {
        return new LaneStores(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LaneLog.SNAPSHOTS), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled().build(),
                Stores.timestampedWindowStoreBuilder(Stores.inMemoryWindowStore(LaneAnalysisTopology.WINDOW_STORE, Duration.ofDays(2),
                        WINDOW, false), Serdes.Bytes(), WindowAccumulator.serde()).withLoggingDisabled().build());
    }

    /** A fresh context over the stores, as a new task of the application sees them: opened once, their contents kept. */
    private MockProcessorContext<String, LaneWindowStats> context(final LaneStores stores, final Properties config) {
        final Properties withApplication = new Properties();
        withApplication.putAll(config);
        withApplication.putIfAbsent("application.id", applicationId);
        withApplication.putIfAbsent("bootstrap.servers", stack.bootstrapServers());
        final MockProcessorContext<String, LaneWindowStats> context = new MockProcessorContext<>(withApplication);
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        for (final StateStore store : List.<StateStore>of(stores.snapshots, stores.windows)) {
            if (!store.isOpen()) {
                store.init(context.getStateStoreContext(), store);
            }
            context.addStateStore(store);
        }
        return context;
    }

    /** What one processor emits over the trace up to {@code cut}, then a new one on the same stores over the rest. */
    private List<Record<String, LaneWindowStats>> runCutAt(final Trace trace, final int cut) {
        final LaneStores stores = newStores();
        final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(run(stores, trace, 0, cut, SNAPSHOT_EVERY, new Properties()));
        emitted.addAll(run(stores, trace, cut, trace.records().size(), SNAPSHOT_EVERY, new Properties()));
        return emitted;
    }

    private List<Record<String, LaneWindowStats>> run(final LaneStores stores, final Trace trace) {
        return run(stores, trace, 0, trace.records().size(), SNAPSHOT_EVERY, new Properties());
    }

    /**
     * One processor, started on the stores, over the trace's shapes {@code from} to {@code to}; then the
     * application's offset committed after the last, as the transaction that ends the run would.
     */
    private List<Record<String, LaneWindowStats>> run(final LaneStores stores, final Trace trace, final int from, final int to,
                                                      final int snapshotEvery, final Properties config) {
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, config);
        final LaneProcessor processor = processor(trace, snapshotEvery);
        processor.init(context);
        for (int i = from; i < to; i++) {
            process(context, processor, trace, i);
        }
        processor.close();
        commit(trace, trace.offsets().get(to - 1) + 1);
        final List<Record<String, LaneWindowStats>> out = new ArrayList<>();
        context.forwarded().forEach(f -> out.add(new Record<>(f.record().key(), f.record().value(), f.record().timestamp())));
        return out;
    }

    /** Hands the processor the trace's shape {@code i}, at its offset, as intake forwards it. */
    private static void process(final MockProcessorContext<String, LaneWindowStats> context, final LaneProcessor processor,
                                final Trace trace, final int i) {
        context.setRecordMetadata(trace.topic(), 0, trace.offsets().get(i));
        processor.process(trace.records().get(i));
    }

    private LaneProcessor processor(final Trace trace, final int snapshotEvery) {
        return new LaneProcessor(lane -> POLICIES, snapshotEvery, WINDOW, GRACE, topics.shapes().valueSerde().deserializer(), trace.topic());
    }

    private Record<Bytes, Intake> record(final Lane lane, final Instant at, final Random random) {
        return record(lane, at, random, 4);
    }

    /** A shape of 8 blocks shared by its lane's prompt family, then {@code ownBlocks} of its own (past 256, repeating). */
    private Record<Bytes, Intake> record(final Lane lane, final Instant at, final Random random, final int ownBlocks) {
        final List<Long> hashes = new ArrayList<>();
        final int family = random.nextInt(4);
        for (int b = 0; b < 8; b++) {
            hashes.add(lane.getRoute().hashCode() * 1000L + family * 100L + b);
        }
        for (int b = 0; b < ownBlocks; b++) {
            hashes.add(b < 256 ? random.nextLong() : hashes.get(8 + b % 256));
        }
        final RequestShape shape = RequestShape.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("t").setLane(lane)
                .setArrivalTime(at).setPromptTokens(hashes.size() * 512).setCompletionTokens(random.nextInt(500)).setCachedTokens(random.nextInt(2048))
                .setCacheWriteTokens(null).setBlockSize(512).setTokenizer("source:test").setHashedTokens(hashes.size() * 512).setBlockHashes(hashes)
                .setHashKeyId("k").setTtftMs(100.0 + random.nextInt(900)).setE2eMs(2000.0 + random.nextInt(3000))
                .setHttpStatus(random.nextInt(50) == 0 ? 503 : 200).setStream(true).setMaxTokens(null).setServiceTier(null)
                .setSource(ShapeSource.PROXY).setParsed(true).build();
        // as intake forwards it: the shape, the lane as key and the arrival time as record time
        return new Record<>(key(Lanes.key(lane)), new Intake(shape, null), at.toEpochMilli());
    }

    private static Bytes key(final String lane) {
        return Bytes.wrap(lane.getBytes(StandardCharsets.UTF_8));
    }
}
