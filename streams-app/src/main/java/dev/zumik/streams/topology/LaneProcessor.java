package dev.zumik.streams.topology;

import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.topics.Lanes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per lane: runs each shape through the configured cache policies (the {@code ReuseSimulator} that
 * {@code zumik analyze} runs) and counts it with its simulated hits in its tumbling event-time
 * window; emits each window's final {@code LaneWindowStats} once the task's stream time passes the
 * window's end plus the grace. The stream time is the latest arrival, moved on by the wall clock once
 * the task has seen no shape for a second ({@link #advanceByClock}), so a quiet lane's last window still
 * closes. A shape that arrives after its window closed is counted as late in the window open at the
 * stream time (its stats' {@code lateRequests}), never dropped.
 *
 * <p>The state lives in memory, so a shape costs no store round trip of its window; its durable form
 * is the {@link LaneLog}: each lane's snapshot, written in the same transaction as the input offsets,
 * and the input offset it covers up to. When the task starts (after a restart or a rebalance) every
 * lane is loaded from its snapshot and the input partition is read again from the replay start to the
 * committed offset: the shapes after each lane's snapshot are observed again, with the stream time
 * they had, and windows whose close time had passed are dropped, since they were emitted in a
 * committed transaction. The queryable window store gets each closed window, and open windows once a
 * second (wall-clock), for the query API.
 *
 * <p>A lane is snapshotted every {@code snapshotEvery} of its events; so that a restore reads a bounded
 * stretch of input, also once the replay start falls {@link #replaySpan} records behind (the lanes
 * whose events hold it back), and on the wall clock every {@link #LINGER_CHECK_EVERY} (the lanes whose
 * events have waited since the previous check), so that a quiet lane never holds it back longer than
 * the input topic's retention.
 */
final class LaneProcessor implements Processor<Bytes, Intake, String, LaneWindowStats> {
    private static final Logger LOG = LoggerFactory.getLogger(LaneProcessor.class);
    private static final Duration WRITE_OPEN_WINDOWS_EVERY = Duration.ofSeconds(1);
    static final Duration LINGER_CHECK_EVERY = Duration.ofMinutes(10);
    /** How often the wall clock is looked at, and how long without shapes before it moves the stream time on. */
    static final Duration CLOCK_CHECK_EVERY = Duration.ofSeconds(1);
    static final long IDLE_BEFORE_CLOCK_MS = 1_000;
    private static final long UNKNOWN = Long.MIN_VALUE;

    private final Function<Lane, List<CachePolicy>> policiesFor;
    private final int snapshotEvery;
    private final long windowMs;
    private final long graceMs;
    private final Deserializer<RequestShape> deserializer;
    private final String topic;
    /** By lane key: windows that close together are emitted in lane order, however the task started. */
    private final Map<String, LaneState> lanes = new TreeMap<>();
    private ProcessorContext<String, LaneWindowStats> context;
    private LaneLog log;
    /** Where a restore would read the input from now; {@link LaneLog#NO_REPLAY_START} until the task's first shape. */
    private long replayStart = LaneLog.NO_REPLAY_START;
    /** The input offset after the last shape this task observed (the committed offset when restored). */
    private long position = UNKNOWN;
    /** Shapes the last restore observed again (for its log line). */
    private long observedAgain;
    /** The position at the previous wall-clock check for lanes whose events linger. */
    private long positionAtLastCheck = UNKNOWN;
    private TimestampedWindowStore<Bytes, WindowAccumulator> windowStore;
    /** The latest arrival time this task has seen. */
    private long streamTime = Long.MIN_VALUE;
    /** The earliest stream time at which some open window closes. */
    private long nextCloseAt = Long.MAX_VALUE;
    /** Wall-clock time of the task's latest shape (or of its start), and the stream time then. */
    private long wallAtLastShape;
    private long streamTimeAtLastShape = Long.MIN_VALUE;
    /** The wall-clock advances a restore found since the replay start, {input position, stream time}, and the next to apply. */
    private List<long[]> restoredClocks = List.of();
    private int nextClock;
    /** Shapes that arrived after their window had closed, counted in a later window (Kafka Streams metric late-shapes-total). */
    private Sensor lateShapes;

    /**
     * @param policiesFor  the cache policies of a lane (the managed rules depend on its model)
     * @param deserializer reads shapes read again from {@code topic}, the input, as intake reads them
     */
    LaneProcessor(final Function<Lane, List<CachePolicy>> policiesFor, final int snapshotEvery, final Duration window,
                  final Duration grace, final Deserializer<RequestShape> deserializer, final String topic) {
        this.policiesFor = policiesFor;
        this.snapshotEvery = snapshotEvery;
        this.windowMs = window.toMillis();
        this.graceMs = grace.toMillis();
        this.deserializer = deserializer;
        this.topic = topic;
    }

    @Override
    public void init(final ProcessorContext<String, LaneWindowStats> context) {
        this.context = context;
        this.log = new LaneLog(context.getStateStore(LaneLog.SNAPSHOTS));
        this.windowStore = context.getStateStore(LaneAnalysisTopology.WINDOW_STORE);
        lanes.clear();
        streamTime = Long.MIN_VALUE;
        position = UNKNOWN;
        observedAgain = 0;
        restoredClocks = log.readClocks();
        nextClock = 0;
        lateShapes = context.metrics().addRateTotalSensor("zumik-lanes", "task-" + context.taskId(), "late-shapes", Sensor.RecordingLevel.INFO);
        final LaneLog.Restored restored = log.restore(this::newLane);
        lanes.putAll(restored.lanes());
        replayStart = restored.replayStart();
        streamTime = restored.replayStreamTime();
        if (replayStart != LaneLog.NO_REPLAY_START) {
            final long began = System.nanoTime();
            try (InputPartition input = InputPartition.open(context.appConfigs(), topic, context.taskId().partition())) {
                position = input.resumeOffset();
                input.read(replayStart, position, this::observeAgain);
            }
            LOG.info("lanes of {}-{} restored: {}, {} of them from snapshots; offsets {} to {} read back in {} ms ({} shapes observed again)",
                    topic, context.taskId().partition(), lanes.size(), restored.lanes().size(), replayStart, position,
                    (System.nanoTime() - began) / 1_000_000, observedAgain);
        }
        for (final LaneState lane : lanes.values()) {
            lane.unwritten.addAll(lane.windows.keySet());
            streamTime = Math.max(streamTime, lane.maxTimestamp);
        }
        applyClocksUpTo(Long.MAX_VALUE);
        wallAtLastShape = context.currentSystemTimeMs();
        streamTimeAtLastShape = streamTime;
        positionAtLastCheck = position;
        nextCloseAt = Long.MIN_VALUE;
        closeDueWindows(false);
        context.schedule(WRITE_OPEN_WINDOWS_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> writeOpenWindows());
        context.schedule(LINGER_CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> snapshotLingeringLanes());
        context.schedule(CLOCK_CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, this::advanceByClock);
    }

    @Override
    public void process(final Record<Bytes, Intake> record) {
        final RequestShape shape = record.value().shape();
        final long offset = context.recordMetadata().orElseThrow(() -> new IllegalStateException("a shape without its input offset"))
                .offset();
        if (replayStart == LaneLog.NO_REPLAY_START) {
            replayStart = offset;
            log.writeReplayStart(replayStart, streamTime);
        }
        // intake checked that the key is the shape's lane, and made the arrival time the record time
        final String laneKey = Lanes.key(shape.getLane());
        final LaneState lane = lanes.computeIfAbsent(laneKey, this::newLane);
        if (observe(lane, shape, offset)) {
            lateShapes.record();
        }
        position = offset + 1;
        wallAtLastShape = context.currentSystemTimeMs();
        streamTimeAtLastShape = streamTime;
        if (lane.next - lane.snapshotAt >= snapshotEvery) {
            log.snapshot(laneKey, lane, position);
            advanceReplayStart();
        }
        if (position - replayStart > replaySpan()) {
            snapshotLanesLiveBefore(position - replaySpan() / 2);
        }
        closeDueWindows(true);
    }

    /**
     * Records of input a restore may have to read again before the lanes holding it back are snapshotted:
     * two snapshot intervals per lane.
     */
    long replaySpan() {
        return 2L * snapshotEvery * Math.max(2, lanes.size());
    }

    /**
     * Counts a shape in its lane as it arrives at {@code offset}: simulated, and counted in its window; when
     * the stream time has passed that window's close (it was emitted), counted as late in the window open at
     * the stream time instead, so that totals keep it. Returns whether it was late.
     */
    private boolean observe(final LaneState lane, final RequestShape shape, final long offset) {
        if (lane.firstLive == LaneState.NONE_LIVE) {
            lane.firstLive = offset;
            lane.streamTimeBeforeFirstLive = streamTime;
        }
        streamTime = Math.max(streamTime, shape.getArrivalTime().toEpochMilli());
        final long own = windowStart(shape);
        final boolean late = own + windowMs + graceMs <= streamTime;
        final long start = late ? streamTime - Math.floorMod(streamTime, windowMs) : own;
        lane.observe(shape, true, start, late);
        lane.next++;
        nextCloseAt = Math.min(nextCloseAt, start + windowMs + graceMs);
        return late;
    }

    /**
     * Moves the stream time on by the wall clock once the task has seen no shape for a while, so that a lane
     * that goes quiet (or is alone on its partition) still gets its windows closed: stream time = the stream
     * time at the last shape + the wall time since. While shapes flow (a live lane, or a backlog read back)
     * it is their arrival times alone that close windows. The advance is recorded with the input position, so
     * that a restore applies it at the same point.
     */
    private void advanceByClock(final long now) {
        final long idle = now - wallAtLastShape;
        if (streamTimeAtLastShape == Long.MIN_VALUE || position == UNKNOWN || idle < IDLE_BEFORE_CLOCK_MS) {
            return;
        }
        final long clockTime = streamTimeAtLastShape + idle;
        if (clockTime > streamTime && clockTime >= nextCloseAt) {
            streamTime = clockTime;
            log.writeClock(position, streamTime);
            closeDueWindows(true);
        }
    }

    /**
     * A record of the input read again on restore: observed as when it was processed if its lane's
     * snapshot does not cover it, and in any case counted in the stream time. Intake's check decides, as
     * it did then, which records were shapes. The stream time starts lower than it was at the replay
     * start, so a shape that was too late for its window may be counted in it again; but that window had
     * closed by the committed offset, and is dropped with the others once the read is done.
     */
    private void observeAgain(final long offset, final byte[] key, final byte[] value) {
        final RequestShape shape = ShapeIntake.check(deserializer, topic, key, value).shape();
        if (shape == null) {
            return;
        }
        applyClocksUpTo(offset);
        final String laneKey = Lanes.key(shape.getLane());
        final LaneState lane = lanes.get(laneKey);
        if (lane != null && offset < lane.coveredTo) {
            streamTime = Math.max(streamTime, shape.getArrivalTime().toEpochMilli());
            return;
        }
        observedAgain++;
        observe(lane == null ? lanes.computeIfAbsent(laneKey, this::newLane) : lane, shape, offset);
    }

    /** Snapshots the lanes with events since the previous check: a quiet lane must not hold the replay start back for days. */
    private void snapshotLingeringLanes() {
        snapshotLanesLiveBefore(positionAtLastCheck);
        positionAtLastCheck = position;
    }

    /** Snapshots every lane with an event after its snapshot before {@code offset}, and moves the replay start on. */
    private void snapshotLanesLiveBefore(final long offset) {
        for (final Map.Entry<String, LaneState> entry : lanes.entrySet()) {
            if (entry.getValue().firstLive < offset) {
                log.snapshot(entry.getKey(), entry.getValue(), position);
            }
        }
        if (replayStart != LaneLog.NO_REPLAY_START) {
            advanceReplayStart();
        }
    }

    /** The replay start moves to the earliest event a snapshot does not cover, or to the position when there is none. */
    private void advanceReplayStart() {
        long earliest = position;
        long streamTimeBefore = streamTime;
        for (final LaneState lane : lanes.values()) {
            if (lane.firstLive < earliest) {
                earliest = lane.firstLive;
                streamTimeBefore = lane.streamTimeBeforeFirstLive;
            }
        }
        if (earliest != replayStart) {
            replayStart = earliest;
            log.writeReplayStart(earliest, streamTimeBefore);
        }
    }

    /** Applies the restored wall-clock advances made before the input reached {@code offset}. */
    private void applyClocksUpTo(final long offset) {
        while (nextClock < restoredClocks.size() && restoredClocks.get(nextClock)[0] <= offset) {
            streamTime = Math.max(streamTime, restoredClocks.get(nextClock)[1]);
            nextClock++;
        }
    }

    private LaneState newLane(final String laneKey) {
        return new LaneState(policiesFor.apply(Lanes.parse(laneKey)));
    }

    private long windowStart(final RequestShape shape) {
        final long at = shape.getArrivalTime().toEpochMilli();
        return at - Math.floorMod(at, windowMs);
    }

    /**
     * Closes every window whose end plus the grace the stream time has reached: emitted and stored when
     * {@code emit}, dropped silently when restoring (a committed transaction already emitted it).
     */
    private void closeDueWindows(final boolean emit) {
        if (streamTime < nextCloseAt) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (final Map.Entry<String, LaneState> entry : lanes.entrySet()) {
            final LaneState lane = entry.getValue();
            while (!lane.windows.isEmpty() && lane.firstWindowStart() + windowMs + graceMs <= streamTime) {
                final long start = lane.firstWindowStart();
                final WindowAccumulator window = lane.windows.pollFirstEntry().getValue();
                lane.unwritten.remove(start);
                if (emit) {
                    emit(entry.getKey(), start, window);
                }
            }
            if (!lane.windows.isEmpty()) {
                next = Math.min(next, lane.firstWindowStart() + windowMs + graceMs);
            }
        }
        nextCloseAt = next;
    }

    private void emit(final String laneKey, final long start, final WindowAccumulator window) {
        final long end = start + windowMs;
        windowStore.put(storeKey(laneKey), ValueAndTimestamp.make(window, end - 1), start);
        context.forward(new Record<>(laneKey, window.toStats(Lanes.parse(laneKey), start, end), end - 1));
    }

    /** Open windows changed since the last write go to the window store, where the query API reads them. */
    private void writeOpenWindows() {
        lanes.forEach((laneKey, lane) -> {
            for (final long start : lane.unwritten) {
                windowStore.put(storeKey(laneKey), ValueAndTimestamp.make(lane.windows.get(start), start + windowMs - 1), start);
            }
            lane.unwritten.clear();
        });
    }

    private static Bytes storeKey(final String laneKey) {
        return Bytes.wrap(laneKey.getBytes(StandardCharsets.UTF_8));
    }
}
