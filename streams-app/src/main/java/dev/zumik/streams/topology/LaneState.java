package dev.zumik.streams.topology;

import dev.zumik.core.cache.CacheLookup;
import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.core.reuse.ReuseSimulator;
import dev.zumik.schemas.avro.RequestShape;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One lane in memory: its reuse simulator, its open windows, and where its durable form ({@link
 * LaneLog}) stands. Everything a shape changes is here, so that observing the lane's shapes after its
 * snapshot again, on the snapshot, rebuilds exactly this state.
 */
final class LaneState {
    final ReuseSimulator simulator;
    /** Per policy, the names its hits go under: the policy's, then {@code policy.tier} when it has several tiers. */
    private final String[][] hitKeys;
    /** Open windows by start. */
    final TreeMap<Long, WindowAccumulator> windows = new TreeMap<>();
    /** Open windows changed since they were last written to the queryable window store. */
    final Set<Long> unwritten = new HashSet<>();
    /** The latest arrival time seen in this lane. */
    long maxTimestamp = Long.MIN_VALUE;
    /** Events this lane has observed, and how many of them its snapshot covers. */
    long next;
    long snapshotAt;
    /** The input offset its snapshot covers up to (exclusive): its events from there on are read again on restore. */
    long coveredTo = Long.MIN_VALUE;
    /** The input offset of its first event after the snapshot ({@link #NONE_LIVE} when none). */
    long firstLive = NONE_LIVE;
    /** The task's stream time just before that event (what a restore reading the input from it starts with). */
    long streamTimeBeforeFirstLive = Long.MIN_VALUE;
    /** Chunks of the simulator's additions records the snapshot store holds for this lane ({@link LaneLog}). */
    int additionChunks;

    static final long NONE_LIVE = Long.MAX_VALUE;

    LaneState(final List<CachePolicy> policies) {
        this.simulator = new ReuseSimulator(policies);
        this.hitKeys = new String[policies.size()][];
        for (int i = 0; i < hitKeys.length; i++) {
            final CachePolicy policy = policies.get(i);
            final List<String> tiers = policy.tiers().size() > 1 ? policy.tiers() : List.of();
            hitKeys[i] = new String[1 + tiers.size()];
            hitKeys[i][0] = policy.name();
            for (int t = 0; t < tiers.size(); t++) {
                hitKeys[i][1 + t] = policy.name() + "." + tiers.get(t);
            }
        }
    }

    /**
     * Simulates the shape under every policy and, when {@code windowed}, counts it and its hits in the
     * window starting at {@code windowStart} (a late shape is simulated but not counted).
     */
    void observe(final RequestShape shape, final boolean windowed, final long windowStart) {
        observe(shape, windowed, windowStart, false);
    }

    /**
     * As above; {@code late} marks a shape whose own window had closed, counted in a later window
     * ({@code windowStart}) so that no request is lost from the totals.
     */
    void observe(final RequestShape shape, final boolean windowed, final long windowStart, final boolean late) {
        final long arrival = shape.getArrivalTime().toEpochMilli();
        maxTimestamp = Math.max(maxTimestamp, arrival);
        final List<CacheLookup> lookups = simulator.observe(hashes(shape), shape.getBlockSize(), shape.getPromptTokens(), arrival);
        if (!windowed) {
            return;
        }
        final WindowAccumulator window = windows.computeIfAbsent(windowStart, start -> new WindowAccumulator());
        window.add(shape);
        if (late) {
            window.late++;
        }
        for (int i = 0; i < hitKeys.length; i++) {
            final CacheLookup lookup = lookups.get(i);
            window.addHitTokens(hitKeys[i][0], lookup.hitTokens());
            for (int t = 1; t < hitKeys[i].length; t++) {
                window.addHitTokens(hitKeys[i][t], lookup.hitTokensByTier()[t - 1]);
            }
        }
        unwritten.add(windowStart);
    }

    /** The start of the earliest open window, or {@link Long#MAX_VALUE} when none is open. */
    long firstWindowStart() {
        return windows.isEmpty() ? Long.MAX_VALUE : windows.firstKey();
    }

    /**
     * Writes the simulator's caches, the latest arrival and the open windows, with the ideal cache's content in increments (see
     * {@link ReuseSimulator#saveIncrement}); returns whether the additions start over.
     */
    boolean saveIncrement(final DataOutput base, final DataOutput additions) throws IOException {
        final boolean startOver = simulator.saveIncrement(base, additions);
        saveRest(base);
        return startOver;
    }

    /** Replaces this state with a base {@link #saveIncrement} wrote and its additions since it last started over. */
    void loadIncrements(final DataInput base, final DataInputStream additions) throws IOException {
        simulator.loadIncrements(base, additions);
        loadRest(base);
    }

    /** The latest arrival and the open windows. */
    private void saveRest(final DataOutput out) throws IOException {
        out.writeLong(maxTimestamp);
        out.writeInt(windows.size());
        for (final Map.Entry<Long, WindowAccumulator> window : windows.entrySet()) {
            final byte[] bytes = window.getValue().toBytes();
            out.writeLong(window.getKey());
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private void loadRest(final DataInput in) throws IOException {
        maxTimestamp = in.readLong();
        windows.clear();
        final int count = in.readInt();
        for (int i = 0; i < count; i++) {
            final long start = in.readLong();
            final byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            windows.put(start, WindowAccumulator.fromBytes(bytes));
        }
    }

    private static long[] hashes(final RequestShape shape) {
        final List<Long> list = shape.getBlockHashes();
        final long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
