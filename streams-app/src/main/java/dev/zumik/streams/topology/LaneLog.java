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
 * The durable form of the lanes' in-memory state ({@link LaneState}): two changelogged stores written
 * in the same transaction as the input offsets. The snapshot store holds each lane's state (in chunks
 * under the broker's record size) every so many events; the journal holds every shape since, as the
 * bytes it was read from, its sequence and whether it was counted in its window. Loading the snapshot
 * and replaying the journal gives exactly the state an uninterrupted run would have.
 *
 * <p>The journal holds events in groups of up to {@link #GROUP_EVENTS}, one record per group, which
 * each event rewrites with itself added. The journal store caches its writes until the task commits
 * (Kafka Streams writes a cached store before the transaction that commits the input offsets), so a
 * group costs one store write and one changelog record rather than one per shape: a record per shape
 * was half the stream thread's work. With the cache turned off every rewrite would be written, so a
 * group is then one event. A snapshot, and a restore, start a new group.
 *
 * <p>A lane's groups go round a ring of as many slots as groups between snapshots, plus one: group
 * {@code g} goes to slot {@code g % slots}, overwriting a group the last snapshot covers. So a snapshot
 * deletes nothing: deleting what it covered would cost a store delete and a changelog tombstone each.
 *
 * <p>A snapshot is a base (all the state but the ideal cache's blocks, which only grow) and one more
 * additions record: the blocks added since the previous snapshot, appended after the lane's earlier
 * records. The ideal cache was most of a snapshot's bytes, rewritten whole each time; now a snapshot
 * writes what changed. The records start over when the lane's caches were made anew.
 */
final class LaneLog {
    static final String SNAPSHOTS = "reuse-snapshots";
    static final String JOURNAL = "reuse-journal";
    /** Snapshot chunks stay well under the default 1 MB record limit of the changelog topic. */
    private static final int CHUNK_BYTES = 512 * 1024;
    /** Events in a journal group: enough that a record costs little per shape, few enough that rewriting one is cheap. */
    static final int GROUP_EVENTS = 16;
    /** A group closes early rather than outgrow this, well under the changelog's default 1 MB record limit (shapes of long prompts are large). */
    static final int GROUP_BYTES = 512 * 1024;
    /**
     * First byte of a journal group: format, the group's number (a long), then per event its windowed
     * flag, sequence (a long), length (an int) and the shape's bytes.
     */
    private static final byte GROUP_FORMAT = 0x5C;
    private static final int GROUP_HEADER = 1 + Long.BYTES;
    private static final int EVENT_HEADER = 1 + Long.BYTES + Integer.BYTES;
    /**
     * First byte of the previous build's journal records, one event each: format, windowed flag,
     * sequence (a long), the shape's bytes; still read. Earlier builds' events began with 0x5A (no
     * sequence, keyed by sequence) or with the block size (an int).
     */
    private static final byte SINGLE_EVENT_FORMAT = 0x5B;
    private static final int SINGLE_EVENT_HEADER = 2 + Long.BYTES;
    /** First byte of a snapshot's meta record: its base and additions chunks. Format 2 (still read) had the state whole. */
    private static final byte SNAPSHOT_FORMAT = 3;
    private static final byte WHOLE_SNAPSHOT_FORMAT = 2;
    private static final String META = "#meta";
    /** Chunk kinds: the base (the name earlier builds gave the whole state's chunks), and the additions records. */
    private static final String BASE = "chunk";
    private static final String ADDED = "added";
    /** How to rebuild state this build cannot continue from, for the messages that refuse it. */
    private static final String RESET = "reset the streams application (kafka-streams-application-reset, or a new application id)"
            + " to rebuild it from the shapes";
    /** Digits of a journal key's slot: any long fits. */
    private static final int SLOT_DIGITS = 19;

    /** Applies one journal event to the lane being restored. */
    interface Replay {
        void apply(LaneState lane, boolean windowed, byte[] shapeBytes);
    }

    private final KeyValueStore<String, byte[]> snapshots;
    private final KeyValueStore<String, byte[]> journal;
    private final int groupEvents;
    private final int slots;

    /**
     * @param snapshotEvery events a lane takes between snapshots, which its ring of groups must hold
     * @param cached        whether the journal store's writes wait in Kafka Streams' cache until commit
     */
    LaneLog(final KeyValueStore<String, byte[]> snapshots, final KeyValueStore<String, byte[]> journal, final int snapshotEvery,
            final boolean cached) {
        this.snapshots = snapshots;
        this.journal = journal;
        this.groupEvents = cached ? GROUP_EVENTS : 1;
        this.slots = (snapshotEvery + groupEvents - 1) / groupEvents + 1;
    }

    /**
     * Journals a shape the lane has just observed, in the lane's open group. The lane must have been
     * snapshotted within its last {@code snapshotEvery} events, or the ring would overwrite a group no
     * snapshot covers.
     */
    void append(final String lane, final LaneState state, final boolean windowed, final byte[] shapeBytes) {
        final LaneState.JournalGroup group = state.journalGroup;
        final int eventBytes = EVENT_HEADER + shapeBytes.length;
        if (group.events == groupEvents || group.events > 0 && group.bytes() + eventBytes > GROUP_BYTES) {
            group.startNext();
        }
        if (group.events == 0) {
            group.key = journalKey(prefix(lane) + "#", group.number % slots);
            group.out(GROUP_HEADER).put(GROUP_FORMAT).putLong(group.number);
        }
        group.out(eventBytes).put((byte) (windowed ? 1 : 0)).putLong(state.next).putInt(shapeBytes.length).put(shapeBytes);
        group.events++;
        journal.put(group.key, group.record());
        state.next++;
    }

    /**
     * Whether the lane's ring has no slot left for another group, so that it must be snapshotted now:
     * groups closed early by {@link #GROUP_BYTES} can fill it before the snapshot interval has passed.
     */
    boolean ringFull(final LaneState state) {
        return state.journalGroup.number - state.journalGroup.firstSinceSnapshot + 2 > slots;
    }

    /**
     * Every lane with a snapshot or journal events, rebuilt: its snapshot loaded into a state from
     * {@code newLane}, then the journal events after it replayed in sequence. The journal is read once,
     * in key order, which is lane by lane; a lane's events are put back in sequence order before they
     * are replayed. A lane that had events to replay is marked to be snapshotted before its next event:
     * its new groups could otherwise overwrite the groups just replayed (the ring counts groups, and a
     * restart leaves one partly filled, or a changed snapshot interval another number of slots).
     */
    Map<String, LaneState> restoreAll(final Function<String, LaneState> newLane, final Replay replay) {
        final Map<String, LaneState> lanes = new LinkedHashMap<>();
        final Map<String, byte[]> metas = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> all = snapshots.all()) {
            all.forEachRemaining(e -> {
                if (e.key.endsWith(META)) {
                    metas.put(laneOf(e.key), e.value);
                }
            });
        }
        metas.forEach((lane, meta) -> lanes.put(lane, loadSnapshot(lane, meta, newLane.apply(lane))));
        try (KeyValueIterator<String, byte[]> all = journal.all()) {
            String lane = null;
            final List<KeyValue<String, byte[]>> ring = new ArrayList<>();
            while (all.hasNext()) {
                final KeyValue<String, byte[]> event = all.next();
                final String eventLane = laneOf(event.key);
                if (!eventLane.equals(lane)) {
                    if (lane != null) {
                        replayRing(lane, lanes.computeIfAbsent(lane, newLane), ring, replay);
                    }
                    lane = eventLane;
                    ring.clear();
                }
                ring.add(event);
            }
            if (lane != null) {
                replayRing(lane, lanes.computeIfAbsent(lane, newLane), ring, replay);
            }
        }
        return lanes;
    }

    /** A journaled event: its sequence, whether it was counted in its window, and the shape's bytes. */
    private record Event(long seq, boolean windowed, byte[] shape) { }

    /**
     * One lane's journal events after its snapshot, in sequence; a missing one means the state cannot be
     * rebuilt. The lane's next group is numbered after every group its ring holds.
     */
    private void replayRing(final String lane, final LaneState state, final List<KeyValue<String, byte[]>> ring, final Replay replay) {
        final List<Event> live = new ArrayList<>();
        long lastGroup = -1;
        for (final KeyValue<String, byte[]> record : ring) {
            lastGroup = Math.max(lastGroup, readRecord(lane, record.value, event -> {
                if (event.seq() >= state.snapshotAt) {
                    live.add(event);
                }
            }));
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
        state.journalGroup.restart(lastGroup + 1);
        state.journalGroup.firstSinceSnapshot = state.journalGroup.number;
        state.snapshotBeforeAppend |= !live.isEmpty();
    }

    /** Hands each event of a journal record to {@code events}; returns the record's group number (-1 for a single event). */
    private static long readRecord(final String lane, final byte[] record, final java.util.function.Consumer<Event> events) {
        final ByteBuffer in = ByteBuffer.wrap(record);
        if (record.length >= SINGLE_EVENT_HEADER && record[0] == SINGLE_EVENT_FORMAT) {
            in.get();
            final boolean windowed = in.get() == 1;
            events.accept(new Event(in.getLong(), windowed, Arrays.copyOfRange(record, SINGLE_EVENT_HEADER, record.length)));
            return -1;
        }
        if (record.length < GROUP_HEADER || record[0] != GROUP_FORMAT) {
            throw olderFormat(lane);
        }
        in.get();
        final long group = in.getLong();
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
        return group;
    }

    /** The snapshot whose meta record is {@code meta}, loaded into {@code state}, which it returns. */
    private LaneState loadSnapshot(final String lane, final byte[] meta, final LaneState state) {
        final boolean whole = meta.length == 1 + Long.BYTES + Integer.BYTES && meta[0] == WHOLE_SNAPSHOT_FORMAT;
        if (!whole && (meta.length != 1 + Long.BYTES + 2 * Integer.BYTES || meta[0] != SNAPSHOT_FORMAT)) {
            throw olderFormat(lane);
        }
        final ByteBuffer header = ByteBuffer.wrap(meta, 1, meta.length - 1);
        state.snapshotAt = header.getLong();
        state.next = state.snapshotAt;
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
     * Writes the lane's state as its snapshot: its base, and its additions after the earlier ones (or
     * in their place when they start over). The journal events it covers become free slots.
     */
    void snapshot(final String lane, final LaneState state) {
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
        snapshots.put(prefix(lane) + META, ByteBuffer.allocate(1 + Long.BYTES + 2 * Integer.BYTES)
                .put(SNAPSHOT_FORMAT).putLong(state.next).putInt(chunks).putInt(additionChunks).array());
        state.snapshotAt = state.next;
        state.snapshotBeforeAppend = false;
        // the events of the open group are covered now: new ones go to a new group, so that the ring counts only
        // groups since the snapshot
        if (state.journalGroup.events > 0) {
            state.journalGroup.startNext();
        }
        state.journalGroup.firstSinceSnapshot = state.journalGroup.number;
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

    /** The lane's prefix and '#', then the slot zero-padded so that the store's byte order is the slot order. */
    private static String journalKey(final String lanePrefix, final long slot) {
        // built by hand: String.format, or concatenating a repeat of zeros, costs more than the rest of the key, per group
        final String digits = Long.toString(slot);
        final StringBuilder key = new StringBuilder(lanePrefix.length() + SLOT_DIGITS).append(lanePrefix);
        for (int i = digits.length(); i < SLOT_DIGITS; i++) {
            key.append('0');
        }
        return key.append(digits).toString();
    }
}
