package dev.zumik.streams.topology;

import dev.zumik.core.cache.CacheLookup;
import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.core.reuse.ReuseSimulator;
import dev.zumik.schemas.avro.RequestShape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs each lane's requests through the configured cache policies ({@link ReuseSimulator}, the code
 * {@code zumik analyze} runs) and attaches the hit tokens to the shape.
 *
 * <p>The simulation lives in memory for speed; its durable form is two changelogged stores written in
 * the same transaction as the input offsets: a snapshot of each lane's caches (in chunks under the
 * broker's record size) and a journal of the lane's events since that snapshot. After a restart or
 * a rebalance, a lane is rebuilt on its first record by loading the snapshot and replaying the
 * journal, so the state is exactly what an uninterrupted run would have.
 */
final class ReuseProcessor implements FixedKeyProcessor<Bytes, Intake, SimulatedShape> {
    static final String SNAPSHOTS = "reuse-snapshots";
    static final String JOURNAL = "reuse-journal";
    /** Snapshot chunks stay well under the default 1 MB record limit of the changelog topic. */
    private static final int CHUNK_BYTES = 512 * 1024;

    private final java.util.function.Function<RequestShape, List<CachePolicy>> policiesFor;
    private final int snapshotEvery;
    private final Map<String, Lane> lanes = new HashMap<>();
    private FixedKeyProcessorContext<Bytes, SimulatedShape> context;
    private KeyValueStore<String, byte[]> snapshots;
    private KeyValueStore<String, byte[]> journal;

    /** One lane in memory: its simulator, the next journal sequence and where its snapshot stands. */
    private static final class Lane {
        final ReuseSimulator simulator;
        /** Per policy, the names its hits go under: the policy's, then {@code policy.tier} when it has several tiers. */
        final String[][] hitKeys;
        long next;
        long snapshotAt;

        Lane(final List<CachePolicy> policies) {
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
    }

    /** @param policiesFor the cache policies of a shape's lane (the managed rules depend on its model) */
    ReuseProcessor(final java.util.function.Function<RequestShape, List<CachePolicy>> policiesFor, final int snapshotEvery) {
        this.policiesFor = policiesFor;
        this.snapshotEvery = snapshotEvery;
    }

    @Override
    public void init(final FixedKeyProcessorContext<Bytes, SimulatedShape> context) {
        this.context = context;
        this.snapshots = context.getStateStore(SNAPSHOTS);
        this.journal = context.getStateStore(JOURNAL);
        lanes.clear();
    }

    @Override
    public void process(final FixedKeyRecord<Bytes, Intake> record) {
        final RequestShape shape = record.value().shape();
        // intake checked that the key is the shape's lane
        final String laneKey = dev.zumik.schemas.topics.Lanes.key(shape.getLane());
        final Lane lane = lanes.computeIfAbsent(laneKey, key -> restore(key, policiesFor.apply(shape)));
        final long[] hashes = hashes(shape);
        final List<CacheLookup> lookups = lane.simulator.observe(hashes, shape.getBlockSize(), shape.getPromptTokens(),
                shape.getArrivalTime().toEpochMilli());
        journal.put(journalKey(laneKey, lane.next), event(shape.getBlockSize(), shape.getPromptTokens(), shape.getArrivalTime().toEpochMilli(), hashes));
        lane.next++;
        if (lane.next - lane.snapshotAt >= snapshotEvery) {
            snapshot(laneKey, lane);
        }
        context.forward(record.withValue(new SimulatedShape(shape, hitTokens(lane, lookups))));
    }

    private static Map<String, Long> hitTokens(final Lane lane, final List<CacheLookup> lookups) {
        final Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < lane.hitKeys.length; i++) {
            final CacheLookup lookup = lookups.get(i);
            out.put(lane.hitKeys[i][0], lookup.hitTokens());
            for (int t = 1; t < lane.hitKeys[i].length; t++) {
                out.put(lane.hitKeys[i][t], lookup.hitTokensByTier()[t - 1]);
            }
        }
        return out;
    }

    /** The lane as the stores hold it: the snapshot's caches, then the journal's events replayed in order. */
    private Lane restore(final String laneKey, final List<CachePolicy> policies) {
        final Lane lane = new Lane(policies);
        final byte[] meta = snapshots.get(prefix(laneKey) + "#meta");
        if (meta != null) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(meta))) {
                lane.snapshotAt = in.readLong();
                final int chunks = in.readInt();
                final ByteArrayOutputStream state = new ByteArrayOutputStream();
                for (int c = 0; c < chunks; c++) {
                    state.write(snapshots.get(chunkKey(laneKey, c)));
                }
                lane.simulator.load(new DataInputStream(new ByteArrayInputStream(state.toByteArray())));
            } catch (final IOException e) {
                throw new UncheckedIOException("cannot read the reuse snapshot of lane " + laneKey, e);
            }
        }
        lane.next = lane.snapshotAt;
        try (KeyValueIterator<String, byte[]> events = journal.range(journalKey(laneKey, lane.snapshotAt), journalKey(laneKey, Long.MAX_VALUE))) {
            while (events.hasNext()) {
                final KeyValue<String, byte[]> event = events.next();
                replay(lane.simulator, event.value);
                lane.next++;
            }
        }
        return lane;
    }

    private void snapshot(final String laneKey, final Lane lane) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            lane.simulator.save(out);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final byte[] state = bytes.toByteArray();
        final int chunks = Math.max(1, (state.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
        for (int c = 0; c < chunks; c++) {
            final int from = c * CHUNK_BYTES;
            snapshots.put(chunkKey(laneKey, c), java.util.Arrays.copyOfRange(state, from, Math.min(state.length, from + CHUNK_BYTES)));
        }
        final ByteArrayOutputStream meta = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(meta)) {
            out.writeLong(lane.next);
            out.writeInt(chunks);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        snapshots.put(prefix(laneKey) + "#meta", meta.toByteArray());
        final List<String> covered = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> events = journal.range(journalKey(laneKey, lane.snapshotAt), journalKey(laneKey, lane.next - 1))) {
            events.forEachRemaining(e -> covered.add(e.key));
        }
        covered.forEach(journal::delete);
        lane.snapshotAt = lane.next;
    }

    /** Length-prefixed, so that no lane's keys fall in another lane's range, whatever its name holds. */
    private static String prefix(final String lane) {
        return lane.length() + ":" + lane;
    }

    private static String chunkKey(final String lane, final int chunk) {
        return prefix(lane) + "#chunk#" + chunk;
    }

    /** Lane, then the sequence zero-padded so that the store's byte order is the sequence order. */
    private static String journalKey(final String lane, final long seq) {
        final String digits = Long.toString(seq);   // String.format costs more than the rest of the key, per event
        return prefix(lane) + "#" + "0".repeat(19 - digits.length()) + digits;
    }

    private static long[] hashes(final RequestShape shape) {
        final List<Long> list = shape.getBlockHashes();
        final long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private static byte[] event(final int blockSize, final long prompt, final long arrival, final long[] hashes) {
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(4 + 8 + 8 + 4 + 8 * hashes.length);
        buffer.putInt(blockSize).putLong(prompt).putLong(arrival).putInt(hashes.length);
        for (final long h : hashes) {
            buffer.putLong(h);
        }
        return buffer.array();
    }

    private static void replay(final ReuseSimulator simulator, final byte[] event) {
        final java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(event);
        final int blockSize = buffer.getInt();
        final long prompt = buffer.getLong();
        final long arrival = buffer.getLong();
        final long[] hashes = new long[buffer.getInt()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = buffer.getLong();
        }
        simulator.observe(hashes, blockSize, prompt, arrival);
    }
}
