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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
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
 * <p>Earlier builds kept the shapes after each snapshot in a journal store of their own. That state is
 * still read and continued: its journal is replayed once, every lane snapshotted, and the journal
 * emptied.
 */
final class LaneLog {
    static final String SNAPSHOTS = "reuse-snapshots";
    /** Earlier builds' journal of the shapes after each snapshot: read once, then emptied. */
    static final String JOURNAL = "reuse-journal";
    /** Snapshot chunks stay well under the default 1 MB record limit of the changelog topic. */
    private static final int CHUNK_BYTES = 512 * 1024;
    /**
     * First byte of earlier builds' journal records: a group (format, group number, then per event its
     * windowed flag, sequence, length and the shape's bytes), or one event (format, windowed flag,
     * sequence, the shape's bytes). Events beginning with 0x5A or with the block size are older still.
     */
    private static final byte GROUP_FORMAT = 0x5C;
    private static final int GROUP_HEADER = 1 + Long.BYTES;
    private static final int EVENT_HEADER = 1 + Long.BYTES + Integer.BYTES;
    private static final byte SINGLE_EVENT_FORMAT = 0x5B;
    private static final int SINGLE_EVENT_HEADER = 2 + Long.BYTES;
    /**
     * First byte of a snapshot's meta record: events covered, input offset covered up to, base and
     * additions chunks. Formats 3 (no offset) and 2 (the state whole) came with a journal, and are read.
     */
    private static final byte SNAPSHOT_FORMAT = 4;
    private static final int SNAPSHOT_META_BYTES = 1 + 2 * Long.BYTES + 2 * Integer.BYTES;
    private static final byte JOURNALED_SNAPSHOT_FORMAT = 3;
    private static final byte WHOLE_SNAPSHOT_FORMAT = 2;
    private static final String META = "#meta";
    /** The replay start's key: no lane's key begins with '#'. Format, offset. */
    private static final String REPLAY_START = "#replay-start";
    private static final byte REPLAY_START_FORMAT = 2;
    /** An earlier build's replay start: the offset alone. */
    private static final byte REPLAY_START_OFFSET_ONLY = 1;
    /** The wall-clock advances of the stream time since the replay start: pairs of the input position and the stream time set. */
    private static final String CLOCK = "#clock";
    /** Chunk kinds: the base (the name earlier builds gave the whole state's chunks), and the additions records. */
    private static final String BASE = "chunk";
    private static final String ADDED = "added";
    /** How to rebuild state this build cannot continue from, for the messages that refuse it. */
    private static final String RESET = "reset the streams application (kafka-streams-application-reset, or a new application id)"
            + " to rebuild it from the shapes";

    /** Applies one event of an earlier build's journal to the lane being restored. */
    interface Replay {
        void apply(LaneState lane, boolean windowed, byte[] shapeBytes);
    }

    /**
     * The lanes as their snapshots left them, and the offset to read the input from to bring them up to
     * date ({@link #NO_REPLAY_START} when none was written); or, from an earlier build's state, the lanes
     * already brought up to date by its journal ({@code journaled}), which must be snapshotted before the
     * task goes on. {@code replayStreamTime} is the stream time just before the replay start (Long.MIN_VALUE
     * when an earlier build did not record it), so that reading the input again from there gives every shape
     * the stream time it had.
     */
    record Restored(Map<String, LaneState> lanes, long replayStart, long replayStreamTime, boolean journaled) { }

    static final long NO_REPLAY_START = -1;

    private final KeyValueStore<String, byte[]> snapshots;
    private final KeyValueStore<String, byte[]> journal;

    LaneLog(final KeyValueStore<String, byte[]> snapshots, final KeyValueStore<String, byte[]> journal) {
        this.snapshots = snapshots;
        this.journal = journal;
    }

    /**
     * Every lane with a snapshot, loaded into a state from {@code newLane}, and the replay start; or,
     * from an earlier build's state, every lane with a snapshot or journal events, its journal replayed
     * in sequence onto its snapshot (a missing event means the state cannot be rebuilt).
     */
    Restored restore(final Function<String, LaneState> newLane, final Replay replay) {
        final byte[] start = snapshots.get(REPLAY_START);
        final Map<String, LaneState> lanes = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> all = snapshots.all()) {
            all.forEachRemaining(e -> {
                if (e.key.endsWith(META)) {
                    final String lane = laneOf(e.key);
                    lanes.put(lane, loadSnapshot(lane, e.value, start == null, newLane.apply(lane)));
                }
            });
        }
        if (start != null) {
            final boolean offsetOnly = start.length == 1 + Long.BYTES && start[0] == REPLAY_START_OFFSET_ONLY;
            if (!offsetOnly && (start.length != 1 + 2 * Long.BYTES || start[0] != REPLAY_START_FORMAT)) {
                throw new IncompatibleStateException("the lane state's replay start was written by another Zumik; " + RESET);
            }
            final ByteBuffer b = ByteBuffer.wrap(start, 1, start.length - 1);
            return new Restored(lanes, b.getLong(), offsetOnly ? Long.MIN_VALUE : b.getLong(), false);
        }
        final boolean journaled = replayJournal(lanes, newLane, replay);
        return new Restored(lanes, NO_REPLAY_START, Long.MIN_VALUE, journaled || !lanes.isEmpty());
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

    /** Deletes an earlier build's journal, once every lane it held is snapshotted. */
    void dropJournal() {
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = journal.all()) {
            all.forEachRemaining(e -> keys.add(e.key));
        }
        keys.forEach(journal::delete);
    }

    /** Replays an earlier build's journal onto the lanes; returns whether it held any record. */
    private boolean replayJournal(final Map<String, LaneState> lanes, final Function<String, LaneState> newLane, final Replay replay) {
        boolean any = false;
        try (KeyValueIterator<String, byte[]> all = journal.all()) {
            String lane = null;
            final List<byte[]> records = new ArrayList<>();
            while (all.hasNext()) {
                final KeyValue<String, byte[]> record = all.next();
                any = true;
                final String recordLane = laneOf(record.key);
                if (!recordLane.equals(lane)) {
                    if (lane != null) {
                        replayLane(lane, lanes.computeIfAbsent(lane, newLane), records, replay);
                    }
                    lane = recordLane;
                    records.clear();
                }
                records.add(record.value);
            }
            if (lane != null) {
                replayLane(lane, lanes.computeIfAbsent(lane, newLane), records, replay);
            }
        }
        return any;
    }

    /** A journaled event: its sequence, whether it was counted in its window, and the shape's bytes. */
    private record Event(long seq, boolean windowed, byte[] shape) { }

    /** One lane's journal events after its snapshot, in sequence. */
    private void replayLane(final String lane, final LaneState state, final List<byte[]> records, final Replay replay) {
        final List<Event> live = new ArrayList<>();
        for (final byte[] record : records) {
            readRecord(lane, record, event -> {
                if (event.seq() >= state.snapshotAt) {
                    live.add(event);
                }
            });
        }
        live.sort(Comparator.comparingLong(Event::seq));
        for (final Event event : live) {
            if (event.seq() != state.next) {
                throw new IncompatibleStateException("the journal of lane " + lane + " has event " + event.seq() + " where " + state.next
                        + " was due; " + RESET);
            }
            replay.apply(state, event.windowed(), event.shape());
            state.next++;
        }
    }

    /** Hands each event of a journal record to {@code events}. */
    private static void readRecord(final String lane, final byte[] record, final java.util.function.Consumer<Event> events) {
        final ByteBuffer in = ByteBuffer.wrap(record);
        if (record.length >= SINGLE_EVENT_HEADER && record[0] == SINGLE_EVENT_FORMAT) {
            in.get();
            final boolean windowed = in.get() == 1;
            events.accept(new Event(in.getLong(), windowed, Arrays.copyOfRange(record, SINGLE_EVENT_HEADER, record.length)));
            return;
        }
        if (record.length < GROUP_HEADER || record[0] != GROUP_FORMAT) {
            throw olderFormat(lane);
        }
        in.position(GROUP_HEADER);
        while (in.hasRemaining()) {
            if (in.remaining() < EVENT_HEADER) {
                throw olderFormat(lane);
            }
            final boolean windowed = in.get() == 1;
            final long seq = in.getLong();
            final int length = in.getInt();
            if (length < 0 || length > in.remaining()) {
                throw olderFormat(lane);
            }
            final byte[] shape = new byte[length];
            in.get(shape);
            events.accept(new Event(seq, windowed, shape));
        }
    }

    /**
     * The snapshot whose meta record is {@code meta}, loaded into {@code state}, which it returns: this
     * build's form with a replay start, or an earlier build's ({@code journaled}) without.
     */
    private LaneState loadSnapshot(final String lane, final byte[] meta, final boolean journaled, final LaneState state) {
        final byte format = meta.length == 0 ? 0 : meta[0];
        final boolean current = !journaled && format == SNAPSHOT_FORMAT && meta.length == SNAPSHOT_META_BYTES;
        final boolean whole = journaled && format == WHOLE_SNAPSHOT_FORMAT && meta.length == 1 + Long.BYTES + Integer.BYTES;
        final boolean increments = journaled && format == JOURNALED_SNAPSHOT_FORMAT && meta.length == 1 + Long.BYTES + 2 * Integer.BYTES;
        if (!current && !whole && !increments) {
            throw olderFormat(lane);
        }
        final ByteBuffer header = ByteBuffer.wrap(meta, 1, meta.length - 1);
        state.snapshotAt = header.getLong();
        state.next = state.snapshotAt;
        if (current) {
            state.coveredTo = header.getLong();
        }
        final byte[] base = readChunks(lane, BASE, 0, header.getInt());
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(base))) {
            if (whole) {
                state.load(in);
            } else {
                state.additionChunks = header.getInt();
                state.loadIncrements(in, new DataInputStream(new ByteArrayInputStream(readChunks(lane, ADDED, 0, state.additionChunks))));
            }
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

    private static IncompatibleStateException olderFormat(final String lane) {
        return new IncompatibleStateException("the state of lane " + lane + " was written by an older Zumik, in a form this one cannot continue exactly;"
                + " " + RESET);
    }

    /** Length-prefixed, so that no lane's keys fall in another lane's range, whatever its name holds. */
    private static String prefix(final String lane) {
        return lane.length() + ":" + lane;
    }

    /** The lane a key of either store belongs to. */
    private static String laneOf(final String key) {
        final int colon = key.indexOf(':');
        final int length = Integer.parseInt(key.substring(0, colon));
        return key.substring(colon + 1, colon + 1 + length);
    }

    private static String chunkKey(final String lane, final String kind, final int chunk) {
        return prefix(lane) + "#" + kind + "#" + chunk;
    }
}
