package dev.zumik.streams.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The durable form of the lanes' in-memory state ({@link LaneState}): each lane's snapshot, written
 * every so many of its events in the same transaction as the input offsets, and the input offset it
 * covers up to. The shapes after a snapshot are not written again: the input partition holds them, so a
 * restore reads them back from there ({@link InputPartition}) and observes them again. A shape record
 * per event was most of what the stream thread spent on durability.
 *
 * <p>One more record, the replay start, says where a restore reads from: no lane has an event it needs
 * before that offset.
 *
 * <p>A snapshot is a base (all the state but the ideal cache's blocks, which only grow) and one more
 * additions record: the blocks added since the previous snapshot, appended after the lane's earlier
 * records. The ideal cache was most of a snapshot's bytes, rewritten whole each time; now a snapshot
 * writes what changed. The records start over when the lane's caches were made anew.
 *
 * <p>State in any other form (an unreleased build's) is refused with how to rebuild it: see streams-app/DESIGN.md.
 */
final class LaneLog {
    static final String SNAPSHOTS = "lane-snapshots";
    /** Snapshot chunks stay well under the default 1 MB record limit of the changelog topic. */
    private static final int CHUNK_BYTES = 512 * 1024;
    /** First byte of a snapshot's meta record: events covered, input offset covered up to, base and additions chunks. */
    private static final byte SNAPSHOT_FORMAT = 4;
    private static final int SNAPSHOT_META_BYTES = 1 + 2 * Long.BYTES + 2 * Integer.BYTES;
    private static final String META = "#meta";
    /** The replay start's key: no lane's key begins with '#'. Format, offset. */
    private static final String REPLAY_START = "#replay-start";
    private static final byte REPLAY_START_FORMAT = 2;
    /** The wall-clock advances of the stream time since the replay start: pairs of the input position and the stream time set. */
    private static final String CLOCK = "#clock";
    /** Chunk kinds: the base, and the additions records. */
    private static final String BASE = "chunk";
    private static final String ADDED = "added";
    /** How to rebuild state this build cannot continue from, for the messages that refuse it. */
    private static final String RESET = "reset the streams application (kafka-streams-application-reset, or a new application id)"
            + " to rebuild it from the shapes";

    /**
     * The lanes as their snapshots left them, and the offset to read the input from to bring them up to
     * date ({@link #NO_REPLAY_START} when none was written: a task that never snapshotted). {@code replayStreamTime}
     * is the stream time just before the replay start, so that reading the input again from there gives every
     * shape the stream time it had.
     */
    record Restored(Map<String, LaneState> lanes, long replayStart, long replayStreamTime) { }

    static final long NO_REPLAY_START = -1;

    private final KeyValueStore<String, byte[]> snapshots;

    LaneLog(final KeyValueStore<String, byte[]> snapshots) {
        this.snapshots = snapshots;
    }

    /** Every lane with a snapshot, loaded into a state from {@code newLane}, and the replay start. */
    Restored restore(final Function<String, LaneState> newLane) {
        final byte[] start = snapshots.get(REPLAY_START);
        final List<String> lanesWithSnapshots = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = snapshots.all()) {
            all.forEachRemaining(e -> {
                if (e.key.endsWith(META)) {
                    lanesWithSnapshots.add(e.key);
                }
            });
        }
        if (start == null) {
            if (!lanesWithSnapshots.isEmpty()) {
                // every snapshot is written with a replay start: snapshots without one are another build's
                throw new IncompatibleStateException("the lane state has snapshots but no replay start; " + RESET);
            }
            return new Restored(new LinkedHashMap<>(), NO_REPLAY_START, Long.MIN_VALUE);
        }
        if (start.length != 1 + 2 * Long.BYTES || start[0] != REPLAY_START_FORMAT) {
            throw new IncompatibleStateException("the lane state's replay start was written by another Zumik; " + RESET);
        }
        final Map<String, LaneState> lanes = new LinkedHashMap<>();
        for (final String key : lanesWithSnapshots) {
            final String lane = laneOf(key);
            lanes.put(lane, loadSnapshot(lane, snapshots.get(key), newLane.apply(lane)));
        }
        final ByteBuffer b = ByteBuffer.wrap(start, 1, start.length - 1);
        return new Restored(lanes, b.getLong(), b.getLong());
    }

    /**
     * Records where a restore is to read the input from (no lane has an event it needs before {@code offset})
     * and the stream time just before it; drops the clock advances it already includes.
     */
    void writeReplayStart(final long offset, final long streamTimeBefore) {
        snapshots.put(REPLAY_START, ByteBuffer.allocate(1 + 2 * Long.BYTES).put(REPLAY_START_FORMAT).putLong(offset)
                .putLong(streamTimeBefore).array());
        final List<long[]> clocks = readClocks();
        if (clocks.removeIf(c -> c[0] <= offset)) {
            putClocks(clocks);
        }
    }

    /**
     * Records that the stream time was moved on by the wall clock to {@code streamTime} with the input at
     * {@code position}: a restore applies it there, so that windows the clock closed (and a committed
     * transaction emitted) are not emitted again and later shapes are as late as they were.
     */
    void writeClock(final long position, final long streamTime) {
        final List<long[]> clocks = readClocks();
        clocks.add(new long[] {position, streamTime});
        putClocks(clocks);
    }

    /** The wall-clock advances since the replay start, in order: {input position, stream time}. */
    List<long[]> readClocks() {
        final byte[] bytes = snapshots.get(CLOCK);
        final List<long[]> out = new ArrayList<>();
        if (bytes != null) {
            final ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.remaining() >= 2 * Long.BYTES) {
                out.add(new long[] {b.getLong(), b.getLong()});
            }
        }
        return out;
    }

    private void putClocks(final List<long[]> clocks) {
        final ByteBuffer b = ByteBuffer.allocate(clocks.size() * 2 * Long.BYTES);
        clocks.forEach(c -> b.putLong(c[0]).putLong(c[1]));
        snapshots.put(CLOCK, b.array());
    }

    /** The snapshot whose meta record is {@code meta}, loaded into {@code state}, which it returns. */
    private LaneState loadSnapshot(final String lane, final byte[] meta, final LaneState state) {
        if (meta.length != SNAPSHOT_META_BYTES || meta[0] != SNAPSHOT_FORMAT) {
            throw new IncompatibleStateException("the snapshot of lane " + lane + " was written by another Zumik, in a form this one cannot "
                    + "continue exactly; " + RESET);
        }
        final ByteBuffer header = ByteBuffer.wrap(meta, 1, meta.length - 1);
        state.snapshotAt = header.getLong();
        state.next = state.snapshotAt;
        state.coveredTo = header.getLong();
        final byte[] base = readChunks(lane, BASE, 0, header.getInt());
        state.additionChunks = header.getInt();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(base))) {
            state.loadIncrements(in, new DataInputStream(new ByteArrayInputStream(readChunks(lane, ADDED, 0, state.additionChunks))));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the snapshot of lane " + lane, e);
        }
        return state;
    }

    /**
     * Writes the lane's state as its snapshot, covering the input up to {@code position} (exclusive): its
     * base, and its additions after the earlier ones (or in their place when they start over).
     */
    void snapshot(final String lane, final LaneState state, final long position) {
        final ByteArrayOutputStream base = new ByteArrayOutputStream();
        final ByteArrayOutputStream additions = new ByteArrayOutputStream();
        final boolean startOver;
        try (DataOutputStream baseOut = new DataOutputStream(base); DataOutputStream additionsOut = new DataOutputStream(additions)) {
            startOver = state.saveIncrement(baseOut, additionsOut);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final int chunks = writeChunks(lane, BASE, 0, base.toByteArray());
        final int from = startOver ? 0 : state.additionChunks;
        final int additionChunks = from + writeChunks(lane, ADDED, from, additions.toByteArray());
        for (int c = additionChunks; c < state.additionChunks; c++) {
            snapshots.delete(chunkKey(lane, ADDED, c));
        }
        state.additionChunks = additionChunks;
        snapshots.put(prefix(lane) + META, ByteBuffer.allocate(SNAPSHOT_META_BYTES)
                .put(SNAPSHOT_FORMAT).putLong(state.next).putLong(position).putInt(chunks).putInt(additionChunks).array());
        state.snapshotAt = state.next;
        state.coveredTo = position;
        state.firstLive = LaneState.NONE_LIVE;
    }

    /** Writes {@code bytes} as chunks {@code from}, {@code from + 1}, ... of the lane's {@code kind}; returns how many. */
    private int writeChunks(final String lane, final String kind, final int from, final byte[] bytes) {
        final int chunks = Math.max(1, (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int c = 0; c < chunks; c++) {
            final int at = c * CHUNK_BYTES;
            snapshots.put(chunkKey(lane, kind, from + c), Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + CHUNK_BYTES)));
        }
        return chunks;
    }

    /** Chunks {@code from} to {@code to - 1} of the lane's {@code kind}, joined. */
    private byte[] readChunks(final String lane, final String kind, final int from, final int to) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int c = from; c < to; c++) {
            final byte[] chunk = snapshots.get(chunkKey(lane, kind, c));
            if (chunk == null) {
                throw new IncompatibleStateException("the snapshot of lane " + lane + " is missing its " + kind + " chunk " + c + "; " + RESET);
            }
            bytes.writeBytes(chunk);
        }
        return bytes.toByteArray();
    }

    /** Length-prefixed, so that no lane's keys fall in another lane's range, whatever its name holds. */
    private static String prefix(final String lane) {
        return lane.length() + ":" + lane;
    }

    /** The lane a snapshot key belongs to. */
    private static String laneOf(final String key) {
        final int colon = key.indexOf(':');
        final int length = Integer.parseInt(key.substring(0, colon));
        return key.substring(colon + 1, colon + 1 + length);
    }

    private static String chunkKey(final String lane, final String kind, final int chunk) {
        return prefix(lane) + "#" + kind + "#" + chunk;
    }
}
