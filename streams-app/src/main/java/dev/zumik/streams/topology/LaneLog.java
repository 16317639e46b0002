package dev.zumik.streams.topology;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The durable form of the lanes' in-memory state ({@link LaneState}): two changelogged stores written
 * in the same transaction as the input offsets. The snapshot store holds each lane's state (in chunks
 * under the broker's record size) every so many events; the journal holds every shape since, as the
 * bytes it was read from and whether it was counted in its window. Loading the snapshot and replaying
 * the journal gives exactly the state an uninterrupted run would have.
 */
final class LaneLog {
    static final String SNAPSHOTS = "reuse-snapshots";
    static final String JOURNAL = "reuse-journal";
    /** Snapshot chunks stay well under the default 1 MB record limit of the changelog topic. */
    private static final int CHUNK_BYTES = 512 * 1024;
    /** First byte of a journal event; an older build's events began with the block size (an int). */
    private static final byte EVENT_FORMAT = 0x5A;
    /** First byte of a snapshot's meta record; an older build's had none (12 bytes). */
    private static final byte SNAPSHOT_FORMAT = 2;
    private static final String META = "#meta";
    /** Digits of a journal key's sequence: any long fits. */
    private static final int SEQUENCE_DIGITS = 19;

    /** Applies one journal event to the lane being restored. */
    interface Replay {
        void apply(LaneState lane, boolean windowed, byte[] shapeBytes);
    }

    private final KeyValueStore<String, byte[]> snapshots;
    private final KeyValueStore<String, byte[]> journal;

    LaneLog(final KeyValueStore<String, byte[]> snapshots, final KeyValueStore<String, byte[]> journal) {
        this.snapshots = snapshots;
        this.journal = journal;
    }

    /** Journals a shape the lane has just observed. */
    void append(final String lane, final LaneState state, final boolean windowed, final byte[] shapeBytes) {
        final byte[] event = new byte[2 + shapeBytes.length];
        event[0] = EVENT_FORMAT;
        event[1] = (byte) (windowed ? 1 : 0);
        System.arraycopy(shapeBytes, 0, event, 2, shapeBytes.length);
        journal.put(journalKey(lane, state.next), event);
        state.next++;
    }

    /**
     * Every lane with a snapshot or journal events, rebuilt: its snapshot loaded into a state from
     * {@code newLane}, then its journal events replayed in order. The journal is read once, in key
     * order, which is lane by lane and each lane's events in sequence.
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
            while (all.hasNext()) {
                final KeyValue<String, byte[]> event = all.next();
                final String lane = laneOf(event.key);
                final LaneState state = lanes.computeIfAbsent(lane, newLane);
                if (sequenceOf(event.key) < state.snapshotAt) {
                    continue;   // covered by the snapshot already
                }
                if (event.value.length < 2 || event.value[0] != EVENT_FORMAT) {
                    throw olderFormat(lane);
                }
                replay.apply(state, event.value[1] == 1, Arrays.copyOfRange(event.value, 2, event.value.length));
                state.next++;
            }
        }
        return lanes;
    }

    /** The snapshot whose meta record is {@code meta}, loaded into {@code state}, which it returns. */
    private LaneState loadSnapshot(final String lane, final byte[] meta, final LaneState state) {
        if (meta.length != 1 + Long.BYTES + Integer.BYTES || meta[0] != SNAPSHOT_FORMAT) {
            throw olderFormat(lane);
        }
        final ByteBuffer header = ByteBuffer.wrap(meta, 1, meta.length - 1);
        state.snapshotAt = header.getLong();
        state.next = state.snapshotAt;
        final int chunks = header.getInt();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int c = 0; c < chunks; c++) {
            bytes.writeBytes(snapshots.get(chunkKey(lane, c)));
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            state.load(in);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read the snapshot of lane " + lane, e);
        }
        return state;
    }

    /** Writes the lane's state as its snapshot and drops the journal events it covers. */
    void snapshot(final String lane, final LaneState state) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            state.save(out);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final byte[] all = bytes.toByteArray();
        final int chunks = Math.max(1, (all.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int c = 0; c < chunks; c++) {
            final int from = c * CHUNK_BYTES;
            snapshots.put(chunkKey(lane, c), Arrays.copyOfRange(all, from, Math.min(all.length, from + CHUNK_BYTES)));
        }
        snapshots.put(prefix(lane) + META, ByteBuffer.allocate(1 + Long.BYTES + Integer.BYTES)
                .put(SNAPSHOT_FORMAT).putLong(state.next).putInt(chunks).array());
        for (long seq = state.snapshotAt; seq < state.next; seq++) {
            journal.delete(journalKey(lane, seq));
        }
        state.snapshotAt = state.next;
    }

    private static IncompatibleStateException olderFormat(final String lane) {
        return new IncompatibleStateException("the state of lane " + lane + " was written by an older Zumik that did not journal windows;"
                + " reset the streams application (kafka-streams-application-reset, or a new application id) to rebuild it from the shapes");
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

    private static String chunkKey(final String lane, final int chunk) {
        return prefix(lane) + "#chunk#" + chunk;
    }

    /** The sequence of a journal key. */
    private static long sequenceOf(final String journalKey) {
        return Long.parseLong(journalKey.substring(journalKey.length() - SEQUENCE_DIGITS));
    }

    /** Lane, then the sequence zero-padded so that the store's byte order is the sequence order. */
    private static String journalKey(final String lane, final long seq) {
        final String digits = Long.toString(seq);   // String.format costs more than the rest of the key, per event
        return prefix(lane) + "#" + "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits;
    }
}
