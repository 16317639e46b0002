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
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedWindowStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Per lane: runs each shape through the configured cache policies (the {@code ReuseSimulator} that
 * {@code zumik analyze} runs) and counts it with its simulated hits in its tumbling event-time
 * window; emits each window's final {@code LaneWindowStats} once the task's stream time passes the
 * window's end plus the grace. A shape that arrives after that is simulated but not counted, as
 * Kafka Streams' windowed aggregations drop it.
 *
 * <p>The state lives in memory, so a shape costs no store round trip of its window; its durable form
 * is the {@link LaneLog} (snapshot plus journal), written in the same transaction as the input
 * offsets. Every lane of the task is rebuilt from it when the task starts (after a restart or a
 * rebalance), and windows whose close time had passed are dropped, since they were emitted in a
 * committed transaction. The queryable window store gets each closed window, and open windows once a
 * second (wall-clock), for the query API.
 */
final class LaneProcessor implements Processor<Bytes, Intake, String, LaneWindowStats> {
    private static final Duration WRITE_OPEN_WINDOWS_EVERY = Duration.ofSeconds(1);

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
    private TimestampedWindowStore<Bytes, WindowAccumulator> windowStore;
    /** The latest arrival time this task has seen. */
    private long streamTime = Long.MIN_VALUE;
    /** The earliest stream time at which some open window closes. */
    private long nextCloseAt = Long.MAX_VALUE;

    /**
     * @param policiesFor  the cache policies of a lane (the managed rules depend on its model)
     * @param deserializer reads the journal's shape bytes back, as intake read them from {@code topic}
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
        this.log = new LaneLog(context.getStateStore(LaneLog.SNAPSHOTS), context.getStateStore(LaneLog.JOURNAL), snapshotEvery,
                cacheEnabled(context.appConfigs()));
        this.windowStore = context.getStateStore(LaneAnalysisTopology.WINDOW_STORE);
        lanes.clear();
        streamTime = Long.MIN_VALUE;
        lanes.putAll(log.restoreAll(this::newLane, this::replay));
        for (final LaneState lane : lanes.values()) {
            lane.unwritten.addAll(lane.windows.keySet());
            streamTime = Math.max(streamTime, lane.maxTimestamp);
        }
        nextCloseAt = Long.MIN_VALUE;
        closeDueWindows(false);
        context.schedule(WRITE_OPEN_WINDOWS_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> writeOpenWindows());
    }

    @Override
    public void process(final Record<Bytes, Intake> record) {
        final RequestShape shape = record.value().shape();
        // intake checked that the key is the shape's lane, and made the arrival time the record time
        final String laneKey = Lanes.key(shape.getLane());
        final LaneState lane = lanes.computeIfAbsent(laneKey, this::newLane);
        if (lane.snapshotBeforeAppend) {
            // before this shape is observed: the snapshot must cover exactly the events journaled so far
            log.snapshot(laneKey, lane);
        }
        streamTime = Math.max(streamTime, shape.getArrivalTime().toEpochMilli());
        final long start = windowStart(shape);
        final boolean windowed = start + windowMs + graceMs > streamTime;
        lane.observe(shape, windowed, start);
        if (windowed) {
            nextCloseAt = Math.min(nextCloseAt, start + windowMs + graceMs);
        }
        log.append(laneKey, lane, windowed, record.value().raw());
        if (lane.next - lane.snapshotAt >= snapshotEvery || log.ringFull(lane)) {
            log.snapshot(laneKey, lane);
        }
        closeDueWindows(true);
    }

    /** Whether the application gives Kafka Streams' record cache any room (0 turns it off; absent, its default is 10 MB). */
    static boolean cacheEnabled(final Map<String, Object> appConfigs) {
        final Object bytes = appConfigs.get(org.apache.kafka.streams.StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG);
        return bytes == null || Long.parseLong(bytes.toString().trim()) > 0;
    }

    private LaneState newLane(final String laneKey) {
        return new LaneState(policiesFor.apply(Lanes.parse(laneKey)));
    }

    private long windowStart(final RequestShape shape) {
        final long at = shape.getArrivalTime().toEpochMilli();
        return at - Math.floorMod(at, windowMs);
    }

    /** One journal event onto a lane being restored: the same observation as when it was processed. */
    private void replay(final LaneState lane, final boolean windowed, final byte[] shapeBytes) {
        final RequestShape shape = deserializer.deserialize(topic, shapeBytes);
        lane.observe(shape, windowed, windowStart(shape));
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
