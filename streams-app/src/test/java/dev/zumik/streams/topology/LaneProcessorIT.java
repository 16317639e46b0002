package dev.zumik.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.junit.LocalStackExtension;
import dev.zumik.localstack.junit.RecentTime;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lane processor against real Kafka Streams stores: a processor that starts on the stores another
 * left behind (a restart, a rebalance) continues exactly as one uninterrupted run, wherever the cut.
 */
@ExtendWith(LocalStackExtension.class)
class LaneProcessorIT {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final List<Lane> LANES = List.of(new Lane("openai", "gpt-4.1", "chat"), new Lane("openai", "gpt-4o", "batch"),
            new Lane("anthropic", "claude-sonnet-4", "agent"));
    private static final List<CachePolicy> POLICIES = CachePolicy.parseList("infinite,lru:20000,ttl:90s,managed");
    private static final int SNAPSHOT_EVERY = 37;

    private Topics topics;
    private List<Record<Bytes, Intake>> input;
    private int late;

    @BeforeEach
    void shapes(final LocalStack stack) {
        topics = Topics.create(stack.registryClient());
        input = new ArrayList<>();
        late = 0;
        final Random random = new Random(11);
        final Instant t0 = RecentTime.yesterdayMidnight();
        // 12 minutes of three lanes, arrivals up to 20 s out of order; every 97th shape is 3 minutes late (past the grace)
        for (int i = 0; i < 1800; i++) {
            final boolean tooLate = i > 400 && i % 97 == 0;
            late += tooLate ? 1 : 0;
            final long offset = i * 400L - random.nextInt(20_000) - (tooLate ? 180_000 : 0);
            input.add(record(LANES.get(random.nextInt(LANES.size())), t0.plusMillis(Math.max(0, offset)), random));
        }
        // a shape an hour later closes every window
        input.add(record(LANES.get(0), t0.plus(Duration.ofHours(1)), random));
    }

    @Test
    void shouldEmitWhatAnUninterruptedRunEmitsWhenRestartedOnItsStoresAtAnyPoint() {
        // given what one processor emits over the whole input
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), input);
        assertThat(uninterrupted).hasSize(3 * 12);
        assertThat(uninterrupted.stream().mapToLong(r -> r.value().getRequests()).sum()).isEqualTo(input.size() - 1 - late);

        for (final int cut : new int[] {1, 300, 555, 1200, 1700}) {
            // when one processor takes the input up to the cut and a new one, on the same stores, the rest
            // then the same windows come out, with the same figures, once each
            assertThat(runCutAt(input, cut)).as("cut at %d", cut).isEqualTo(uninterrupted);
        }
    }

    @Test
    void shouldContinueExactlyWhenTheSnapshotIntervalChangesAcrossRestarts() {
        // given what one processor emits over the whole input
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), input);

        for (final int[] intervals : new int[][] {{37, 23, 23}, {37, 61, 61}, {23, 37, 9}}) {
            // when the journal's ring is written with one size, then restored and continued with another, briefly (too
            // few shapes for every lane to reach its next snapshot), then restored again
            final LaneStores stores = newStores();
            final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(run(stores, input.subList(0, 700), intervals[0]));
            emitted.addAll(run(stores, input.subList(700, 712), intervals[1]));
            emitted.addAll(run(stores, input.subList(712, input.size()), intervals[2]));

            // then nothing the ring held was overwritten before a snapshot covered it
            assertThat(emitted).as("intervals %s", java.util.Arrays.toString(intervals)).isEqualTo(uninterrupted);
        }
    }

    @Test
    void shouldKeepAtMostOneIntervalOfJournalPerLane() {
        // when
        final LaneStores stores = newStores();
        run(stores, input);

        // then the ring holds each lane's last groups only, however many came: enough for one interval
        final java.util.Map<String, Integer> perLane = new java.util.TreeMap<>();
        try (var all = stores.journal.all()) {
            all.forEachRemaining(e -> perLane.merge(e.key.substring(0, e.key.indexOf('#')), 1, Integer::sum));
        }
        final int groups = (SNAPSHOT_EVERY + LaneLog.GROUP_EVENTS - 1) / LaneLog.GROUP_EVENTS + 1;
        assertThat(perLane).hasSize(LANES.size()).allSatisfy((lane, records) -> assertThat(records).isEqualTo(groups));
    }

    @Test
    void shouldKeepJournalRecordsUnderTheRecordLimitAndContinueExactlyWhenShapesAreLarge() {
        // given shapes of long prompts (12,000 blocks, ~110 KB each; 256 distinct, so that the caches stay small): four fill
        // a journal group, so that a snapshot interval of them needs more groups than the ring has slots
        final Random random = new Random(5);
        final Instant t0 = RecentTime.yesterdayMidnight();
        final List<Record<Bytes, Intake>> large = new ArrayList<>();
        for (int i = 0; i < 160; i++) {
            large.add(record(LANES.get(i % 2), t0.plusMillis(i * 2_000L), random, 12_000));
        }
        large.add(record(LANES.get(0), t0.plus(Duration.ofHours(1)), random));
        final LaneStores whole = newStores();
        final List<Record<String, LaneWindowStats>> uninterrupted = run(whole, large);
        assertThat(uninterrupted).isNotEmpty();

        // then every journal record stays under the group's byte bound
        try (var all = whole.journal.all()) {
            all.forEachRemaining(e -> assertThat(e.value.length).as(e.key).isLessThanOrEqualTo(LaneLog.GROUP_BYTES));
        }
        // and a run cut anywhere, its ring filled by groups closed early, continues exactly
        for (final int cut : new int[] {7, 50, 101, 150}) {
            assertThat(runCutAt(large, cut)).as("cut at %d", cut).isEqualTo(uninterrupted);
        }
    }

    @Test
    void shouldJournalOneShapePerRecordWhenTheRecordCacheIsOff() {
        // given what one processor emits over the whole input
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), input);

        // when the application turns Kafka Streams' record cache off, which would write every rewrite of a group
        final java.util.Properties noCache = new java.util.Properties();
        noCache.put(org.apache.kafka.streams.StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        final LaneStores stores = newStores();
        final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(run(stores, input.subList(0, 555), noCache));

        // then each journal record holds one shape: the group header, one event header and the shape's bytes
        try (var all = stores.journal.all()) {
            all.forEachRemaining(e -> assertThat(e.value.length).as(e.key)
                    .isEqualTo(9 + 13 + java.nio.ByteBuffer.wrap(e.value, 18, 4).getInt()));
        }
        // and a run continued with the cache on, which groups again, emits what an uninterrupted run does
        emitted.addAll(run(stores, input.subList(555, input.size())));
        assertThat(emitted).isEqualTo(uninterrupted);
        assertThat(LaneProcessor.cacheEnabled(java.util.Map.of())).isTrue();
    }

    @Test
    void shouldContinueExactlyFromAJournalThePreviousBuildWroteAnEventPerRecord() {
        // given what one processor emits over the whole input
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), input);

        for (final int cut : new int[] {300, 1200}) {
            // when the journal up to the cut is in the previous build's form: a record per event (format 0x5B, windowed
            // flag, sequence, the shape's bytes) keyed by its slot in a ring of SNAPSHOT_EVERY events
            final LaneStores stores = newStores();
            final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(run(stores, input.subList(0, cut)));
            final List<org.apache.kafka.streams.KeyValue<String, byte[]>> groups = new ArrayList<>();
            try (var all = stores.journal.all()) {
                all.forEachRemaining(groups::add);
            }
            // (in sequence order, so that each slot ends with the latest event, as that build's ring did)
            record OldEvent(String key, long seq, byte[] value) { }
            final List<OldEvent> events = new ArrayList<>();
            for (final var group : groups) {
                stores.journal.delete(group.key);
                final String lanePrefix = group.key.substring(0, group.key.indexOf('#') + 1);
                final java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(group.value, 9, group.value.length - 9);
                while (in.hasRemaining()) {
                    final byte windowed = in.get();
                    final long seq = in.getLong();
                    final byte[] shape = new byte[in.getInt()];
                    in.get(shape);
                    events.add(new OldEvent(lanePrefix + String.format("%019d", seq % SNAPSHOT_EVERY), seq,
                            java.nio.ByteBuffer.allocate(10 + shape.length).put((byte) 0x5B).put(windowed).putLong(seq).put(shape).array()));
                }
            }
            events.sort(java.util.Comparator.comparingLong(OldEvent::seq));
            events.forEach(event -> stores.journal.put(event.key(), event.value()));
            assertThat(events).as("events rewritten").hasSizeGreaterThan(LANES.size());
            emitted.addAll(run(stores, input.subList(cut, input.size())));

            // then this build continues from it exactly
            assertThat(emitted).as("cut at %d", cut).isEqualTo(uninterrupted);
        }
    }

    @Test
    void shouldWriteOpenWindowsToTheQueryableStoreOnTheWallClock() {
        // given a processor part way through the first windows
        final LaneStores stores = newStores();
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new java.util.Properties());
        final LaneProcessor processor = processor();
        processor.init(context);
        input.subList(0, 100).forEach(processor::process);
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
    void shouldContinueExactlyFromSnapshotsThePreviousBuildWroteWhole() throws Exception {
        // given what one processor emits over the whole input
        final List<Record<String, LaneWindowStats>> uninterrupted = run(newStores(), input);

        // when the first part's snapshots are rewritten as the previous build wrote them (format 2: the whole state in
        // its chunks, no additions), and a processor continues on them, twice over so that new snapshots follow
        final LaneStores stores = newStores();
        final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(run(stores, input.subList(0, 900)));
        final int rewritten = rewriteAsWholeSnapshots(stores);
        emitted.addAll(run(stores, input.subList(900, 1300)));
        emitted.addAll(run(stores, input.subList(1300, input.size())));

        // then
        assertThat(rewritten).isEqualTo(LANES.size());
        assertThat(emitted).isEqualTo(uninterrupted);
    }

    /** Each lane's snapshot in the previous build's form: meta {2, sequence, chunks}, the state whole under "#chunk#". */
    private static int rewriteAsWholeSnapshots(final LaneStores stores) throws java.io.IOException {
        final List<org.apache.kafka.streams.KeyValue<String, byte[]>> metas = new ArrayList<>();
        try (var all = stores.snapshots.all()) {
            all.forEachRemaining(e -> {
                if (e.key.endsWith("#meta")) {
                    metas.add(e);
                }
            });
        }
        for (final var meta : metas) {
            final String prefix = meta.key.substring(0, meta.key.length() - "#meta".length());
            final java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(meta.value);
            assertThat(header.get()).isEqualTo((byte) 3);
            final long sequence = header.getLong();
            final byte[] base = joined(stores, prefix + "#chunk#", header.getInt());
            final int additionChunks = header.getInt();
            final LaneState state = new LaneState(POLICIES);
            state.loadIncrements(new java.io.DataInputStream(new java.io.ByteArrayInputStream(base)),
                    new java.io.DataInputStream(new java.io.ByteArrayInputStream(joined(stores, prefix + "#added#", additionChunks))));
            for (int c = 0; c < additionChunks; c++) {
                stores.snapshots.delete(prefix + "#added#" + c);
            }
            final java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
            state.save(new java.io.DataOutputStream(whole));
            stores.snapshots.put(prefix + "#chunk#0", whole.toByteArray());
            stores.snapshots.put(meta.key, java.nio.ByteBuffer.allocate(13).put((byte) 2).putLong(sequence).putInt(1).array());
        }
        return metas.size();
    }

    private static byte[] joined(final LaneStores stores, final String keyPrefix, final int chunks) {
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int c = 0; c < chunks; c++) {
            bytes.writeBytes(stores.snapshots.get(keyPrefix + c));
        }
        return bytes.toByteArray();
    }

    @Test
    void shouldKeepEachLanesIdealCacheInAdditionsThatFollowItsGrowth() {
        // when
        final LaneStores stores = newStores();
        run(stores, input);

        // then each lane has one additions chunk per snapshot (all small), holding each block the lane's ideal cache
        // has once: cache count, then per record the ideal cache's block count and blocks (other caches add nothing)
        final java.util.Map<String, Integer> chunks = new java.util.TreeMap<>();
        final java.util.Map<String, Long> bytes = new java.util.TreeMap<>();
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
            assertThat(snapshots).as(key).isEqualTo((int) (shapes / SNAPSHOT_EVERY));
            assertThat(bytes.get(prefix)).as(key).isLessThanOrEqualTo(snapshots * 2L * Integer.BYTES + blocks * Long.BYTES);
        }
    }

    @Test
    void shouldRefuseStateAnOlderBuildWroteWithoutJournaledWindows() {
        // given a snapshot meta record in the older 12-byte form
        final LaneStores stores = newStores();
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new java.util.Properties());
        stores.snapshots.put("10:openai/x/y#meta", new byte[12]);

        // when / then
        assertThatThrownBy(() -> processor().init(context)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lane openai/x/y").hasMessageContaining("reset the streams application");
    }

    @Test
    void shouldRefuseAJournalAnEarlierBuildKeyedBySequence() {
        // given a journal event in the earlier form: format 0x5A, windowed flag, then the shape's bytes
        final LaneStores stores = newStores();
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, new java.util.Properties());
        stores.journal.put("10:openai/x/y#0000000000000000000", new byte[] {0x5A, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});

        // when / then
        assertThatThrownBy(() -> processor().init(context)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lane openai/x/y").hasMessageContaining("reset the streams application");
    }

    /** The three stores of the lane processor, in memory, without changelogs. */
    private record LaneStores(org.apache.kafka.streams.state.KeyValueStore<String, byte[]> snapshots,
                          org.apache.kafka.streams.state.KeyValueStore<String, byte[]> journal,
                          TimestampedWindowStore<Bytes, WindowAccumulator> windows) { }

    private static LaneStores newStores() {
        return new LaneStores(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LaneLog.SNAPSHOTS), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled().build(),
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(LaneLog.JOURNAL), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled().build(),
                Stores.timestampedWindowStoreBuilder(Stores.inMemoryWindowStore(LaneAnalysisTopology.WINDOW_STORE, Duration.ofDays(2),
                        WINDOW, false), Serdes.Bytes(), WindowAccumulator.serde()).withLoggingDisabled().build());
    }

    /** A fresh context over the stores, as a new task sees them: opened once, their contents kept. */
    private static MockProcessorContext<String, LaneWindowStats> context(final LaneStores stores, final java.util.Properties config) {
        final MockProcessorContext<String, LaneWindowStats> context = new MockProcessorContext<>(config);
        for (final StateStore store : List.<StateStore>of(stores.snapshots, stores.journal, stores.windows)) {
            if (!store.isOpen()) {
                store.init(context.getStateStoreContext(), store);
            }
            context.addStateStore(store);
        }
        return context;
    }

    /** What one processor emits over {@code records} up to {@code cut}, then a new one on the same stores over the rest. */
    private List<Record<String, LaneWindowStats>> runCutAt(final List<Record<Bytes, Intake>> records, final int cut) {
        final LaneStores stores = newStores();
        final List<Record<String, LaneWindowStats>> emitted = new ArrayList<>(run(stores, records.subList(0, cut)));
        emitted.addAll(run(stores, records.subList(cut, records.size())));
        return emitted;
    }

    private List<Record<String, LaneWindowStats>> run(final LaneStores stores, final List<Record<Bytes, Intake>> records) {
        return run(stores, records, SNAPSHOT_EVERY);
    }

    private List<Record<String, LaneWindowStats>> run(final LaneStores stores, final List<Record<Bytes, Intake>> records, final int snapshotEvery) {
        return run(stores, records, snapshotEvery, new java.util.Properties());
    }

    private List<Record<String, LaneWindowStats>> run(final LaneStores stores, final List<Record<Bytes, Intake>> records,
                                                      final java.util.Properties config) {
        return run(stores, records, SNAPSHOT_EVERY, config);
    }

    private List<Record<String, LaneWindowStats>> run(final LaneStores stores, final List<Record<Bytes, Intake>> records, final int snapshotEvery,
                                                      final java.util.Properties config) {
        final MockProcessorContext<String, LaneWindowStats> context = context(stores, config);
        final LaneProcessor processor = processor(snapshotEvery);
        processor.init(context);
        records.forEach(processor::process);
        processor.close();
        final List<Record<String, LaneWindowStats>> out = new ArrayList<>();
        context.forwarded().forEach(f -> out.add(new Record<>(f.record().key(), f.record().value(), f.record().timestamp())));
        return out;
    }

    private LaneProcessor processor() {
        return processor(SNAPSHOT_EVERY);
    }

    private LaneProcessor processor(final int snapshotEvery) {
        return new LaneProcessor(lane -> POLICIES, snapshotEvery, WINDOW, GRACE, topics.shapes().valueSerde().deserializer(),
                topics.shapes().name());
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
        final byte[] raw = topics.shapes().valueSerde().serializer().serialize(topics.shapes().name(), shape);
        // as intake forwards it: the shape, its bytes, the lane as key and the arrival time as record time
        return new Record<>(key(Lanes.key(lane)), new Intake(shape, raw, null), at.toEpochMilli());
    }

    private static Bytes key(final String lane) {
        return Bytes.wrap(lane.getBytes(StandardCharsets.UTF_8));
    }
}
