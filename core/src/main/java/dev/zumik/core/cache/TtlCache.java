package dev.zumik.core.cache;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;


/**
 * TTL(T): infinite capacity; a block expires T after its last access. A block is present at a
 * request's arrival when it was last accessed less than T before it.
 */
public final class TtlCache implements PrefixCache {
    private static final long MIN_PURGE_SIZE = 4096;

    private final long ttlMillis;
    private final LongLongMap lastAccess = new LongLongMap();
    /** The map size at which expired blocks are next dropped. */
    private long purgeAt = MIN_PURGE_SIZE;

    public TtlCache(final long ttlMillis) {
        if (ttlMillis < 1) {
            throw new IllegalArgumentException("TTL must be >= 1 ms, got " + ttlMillis);
        }
        this.ttlMillis = ttlMillis;
    }

    @Override
    public PrefixHit access(final long[] blockHashes, final long nowMillis) {
        // one probe per block: each access's previous time decides the prefix hit, which ends at the first miss
        // (a block repeated within the prefix was a hit at its first place, so reading the time just written is the same)
        int hit = 0;
        boolean leading = true;
        for (final long hash : blockHashes) {
            final long last = lastAccess.put(hash, nowMillis, Long.MIN_VALUE);
            if (leading && last != Long.MIN_VALUE && nowMillis - last < ttlMillis) {
                hit++;
            } else {
                leading = false;
            }
        }
        if (lastAccess.size() >= purgeAt) {
            // expired blocks already count as misses; dropping them only bounds memory, so it waits until the
            // map has doubled since the last purge, which keeps its cost per access constant however large the map
            lastAccess.removeIf((hash, t) -> nowMillis - t >= ttlMillis);
            purgeAt = Math.max(MIN_PURGE_SIZE, 2L * lastAccess.size());
        }
        return new PrefixHit(new int[] {hit});
    }

    @Override
    public void save(final DataOutput out) throws IOException {
        out.writeLong(purgeAt);
        out.writeInt(lastAccess.size());
        lastAccess.writeTo(out, true);
    }

    @Override
    public void load(final DataInput in) throws IOException {
        lastAccess.clear();
        purgeAt = in.readLong();
        final int size = in.readInt();
        for (int i = 0; i < size; i++) {
            lastAccess.put(in.readLong(), in.readLong());
        }
    }
}
