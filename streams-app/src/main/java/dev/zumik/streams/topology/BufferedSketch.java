package dev.zumik.streams.topology;

import java.nio.ByteBuffer;
import org.apache.datasketches.kll.KllFloatsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * A KLL sketch held in its serialized form, with the values added since then pending. The window
 * store hands the accumulator over as bytes for every shape; heapifying and re-serializing three
 * sketches per shape was the costliest part of a window update, so the sketch is only rebuilt once
 * per {@value #BATCH} values, or when it is read. The values reach the sketch in the order they came.
 */
final class BufferedSketch {
    static final int BATCH = 64;
    private static final byte[] NONE = new byte[0];

    private final int k;
    private byte[] serialized = NONE;
    private final float[] pending = new float[BATCH];
    private int pendingCount;

    BufferedSketch(final int k) {
        this.k = k;
    }

    void update(final float value) {
        pending[pendingCount++] = value;
        if (pendingCount == BATCH) {
            fold();
        }
    }

    /** The sketch with every value so far; a fresh copy the caller may keep. */
    KllFloatsSketch sketch() {
        final KllFloatsSketch sketch = serialized.length == 0 ? KllFloatsSketch.newHeapInstance(k)
                : KllFloatsSketch.heapify(Memory.wrap(serialized));
        for (int i = 0; i < pendingCount; i++) {
            sketch.update(pending[i]);
        }
        return sketch;
    }

    private void fold() {
        serialized = sketch().toByteArray();
        pendingCount = 0;
    }

    int serializedSize() {
        return Integer.BYTES + serialized.length + Short.BYTES + pendingCount * Float.BYTES;
    }

    void write(final ByteBuffer out) {
        out.putInt(serialized.length).put(serialized).putShort((short) pendingCount);
        for (int i = 0; i < pendingCount; i++) {
            out.putFloat(pending[i]);
        }
    }

    /** Reads what {@link #write} wrote; {@code withPending} false for the first format, a bare sketch. */
    static BufferedSketch read(final ByteBuffer in, final int k, final boolean withPending) {
        final BufferedSketch out = new BufferedSketch(k);
        final byte[] bytes = new byte[in.getInt()];
        in.get(bytes);
        out.serialized = bytes;
        if (!withPending) {
            return out;
        }
        out.pendingCount = in.getShort();
        if (out.pendingCount < 0 || out.pendingCount > BATCH) {
            throw new IllegalStateException("bad pending count " + out.pendingCount);
        }
        for (int i = 0; i < out.pendingCount; i++) {
            out.pending[i] = in.getFloat();
        }
        return out;
    }
}
