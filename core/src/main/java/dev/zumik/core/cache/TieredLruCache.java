package dev.zumik.core.cache;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * LRU tiers in series (HBM → host RAM → NVMe → remote), capacities in blocks. A request's prefix hit
 * counts leading blocks held by any tier, attributed to the tier holding each, and stops at the first
 * block no tier holds. Then every block of the request is touched in order: it moves to (or is
 * inserted at) the most-recent end of the first tier; a block evicted from a tier drops into the most-
 * recent end of the next; one evicted from the last tier is gone. With one tier this is LRU(N).
 *
 * <p>Built for the streams app's hot path: one primitive hash index from block hash to slot (no
 * boxing), and per-tier doubly linked lists over slot arrays.
 */
public final class TieredLruCache implements PrefixCache {
    private static final int NONE = -1;

    private final long[] capacities;
    private final int[] heads;   // least recently used slot of each tier
    private final int[] tails;   // most recently used slot of each tier
    private final long[] sizes;

    /** A link holds its slot + 1 (0 for none) in this many bits; a slot's tier takes the other 8 of its word. */
    private static final int LINK_BITS = 28;
    private static final long LINK_MASK = (1L << LINK_BITS) - 1;
    private static final int PREV_SHIFT = 8 + LINK_BITS;
    private static final int NEXT_SHIFT = 8;
    /** Blocks the links can address. */
    static final int MAX_SLOTS = (int) LINK_MASK - 1;

    /**
     * Slot s: {@code slots[2s]} its block's hash, {@code slots[2s + 1]} its previous and next slots
     * and its tier. One slot's fields share a cache line: a block moved between tiers is one memory
     * access rather than one per field, and at this size each is a miss.
     */
    private long[] slots = new long[32];
    private int slotsUsed;
    private int freeList = NONE;

    private LongLongMap index = new LongLongMap();
    /** Scratch: the slots of a request's leading hits. */
    private int[] hitSlots = new int[64];

    /** @param capacityBlocks capacity of each tier in blocks, fastest first; each must be > 0 */
    public TieredLruCache(final long... capacityBlocks) {
        if (capacityBlocks.length == 0) {
            throw new IllegalArgumentException("a cache needs at least one tier");
        }
        if (capacityBlocks.length > 255) {
            throw new IllegalArgumentException("a cache has at most 255 tiers, got " + capacityBlocks.length);
        }
        for (final long c : capacityBlocks) {
            if (c < 1) {
                throw new IllegalArgumentException("tier capacity must be >= 1 block, got " + c);
            }
        }
        this.capacities = capacityBlocks.clone();
        this.heads = filled(capacities.length);
        this.tails = filled(capacities.length);
        this.sizes = new long[capacities.length];
    }

    @Override
    public PrefixHit access(final long[] blockHashes, final long nowMillis) {
        final int[] byTier = new int[capacities.length];
        int hits = 0;
        for (final long hash : blockHashes) {
            final int slot = find(hash);
            if (slot == NONE) {
                break;
            }
            byTier[tierOf(slot)]++;
            hitSlots = hits < hitSlots.length ? hitSlots : Arrays.copyOf(hitSlots, blockHashes.length);
            hitSlots[hits++] = slot;
        }
        // A held block that is touched moves up and pushes others down a tier, but the cache holds as many
        // blocks as before: nothing leaves it until a new block comes in, and new blocks come after the
        // leading hits. So the hits' slots found above still hold them when they are touched.
        for (int i = 0; i < blockHashes.length; i++) {
            touch(blockHashes[i], i < hits ? hitSlots[i] : find(blockHashes[i]));
        }
        return new PrefixHit(byTier);
    }

    private void touch(final long hash, final int found) {
        int slot = found;
        if (slot == NONE) {
            slot = allocate(hash);
            put(hash, slot);
        } else {
            if (tails[0] == slot) {
                return;
            }
            unlink(slot);
        }
        linkMostRecent(0, slot);
        spill(0);
    }

    /** Moves least-recently-used blocks of tier {@code i} over capacity into tier {@code i + 1}, or out. */
    private void spill(final int first) {
        for (int i = first; i < capacities.length; i++) {
            if (sizes[i] <= capacities[i]) {
                return;
            }
            while (sizes[i] > capacities[i]) {
                final int victim = heads[i];
                unlink(victim);
                if (i + 1 < capacities.length) {
                    linkMostRecent(i + 1, victim);
                } else {
                    remove(slots[2 * victim]);
                    release(victim);
                }
            }
        }
    }

    private void linkMostRecent(final int tier, final int slot) {
        final int last = tails[tier];
        setLinks(slot, last, NONE, tier);
        if (last != NONE) {
            setNext(last, slot);
        } else {
            heads[tier] = slot;
        }
        tails[tier] = slot;
        sizes[tier]++;
    }

    private void unlink(final int slot) {
        final long links = slots[2 * slot + 1];
        final int tier = (int) (links & 0xFF);
        final int before = (int) ((links >>> PREV_SHIFT) & LINK_MASK) - 1;
        final int after = (int) ((links >>> NEXT_SHIFT) & LINK_MASK) - 1;
        if (before != NONE) {
            setNext(before, after);
        } else {
            heads[tier] = after;
        }
        if (after != NONE) {
            setPrev(after, before);
        } else {
            tails[tier] = before;
        }
        sizes[tier]--;
    }

    private int allocate(final long hash) {
        final int slot;
        if (freeList != NONE) {
            slot = freeList;
            freeList = next(slot);
        } else {
            if (slotsUsed == MAX_SLOTS) {
                throw new IllegalStateException("an LRU cache holds at most " + MAX_SLOTS + " blocks");
            }
            if (2 * slotsUsed == slots.length) {
                slots = Arrays.copyOf(slots, slots.length * 2);
            }
            slot = slotsUsed++;
        }
        slots[2 * slot] = hash;
        return slot;
    }

    private void release(final int slot) {
        setNext(slot, freeList);
        freeList = slot;
    }

    private int tierOf(final int slot) {
        return (int) (slots[2 * slot + 1] & 0xFF);
    }

    private int next(final int slot) {
        return (int) ((slots[2 * slot + 1] >>> NEXT_SHIFT) & LINK_MASK) - 1;
    }

    private void setLinks(final int slot, final int before, final int after, final int tier) {
        slots[2 * slot + 1] = ((long) (before + 1) << PREV_SHIFT) | ((long) (after + 1) << NEXT_SHIFT) | tier;
    }

    private void setPrev(final int slot, final int before) {
        slots[2 * slot + 1] = slots[2 * slot + 1] & ~(LINK_MASK << PREV_SHIFT) | ((long) (before + 1) << PREV_SHIFT);
    }

    private void setNext(final int slot, final int after) {
        slots[2 * slot + 1] = slots[2 * slot + 1] & ~(LINK_MASK << NEXT_SHIFT) | ((long) (after + 1) << NEXT_SHIFT);
    }

    private static int[] filled(final int n) {
        final int[] a = new int[n];
        Arrays.fill(a, NONE);
        return a;
    }

    private int find(final long hash) {
        return (int) index.get(hash, NONE);
    }

    private void put(final long hash, final int slot) {
        index.put(hash, slot);
    }

    private void remove(final long hash) {
        index.remove(hash);
    }

    // --- state ---

    @Override
    public void save(final DataOutput out) throws IOException {
        out.writeInt(capacities.length);
        for (int tier = 0; tier < capacities.length; tier++) {
            out.writeInt((int) sizes[tier]);
            for (int slot = heads[tier]; slot != NONE; slot = next(slot)) {
                out.writeLong(slots[2 * slot]);
            }
        }
    }

    @Override
    public void load(final DataInput in) throws IOException {
        final int count = in.readInt();
        if (count != capacities.length) {
            throw new IOException("saved state has " + count + " tiers, this cache " + capacities.length);
        }
        Arrays.fill(heads, NONE);
        Arrays.fill(tails, NONE);
        Arrays.fill(sizes, 0);
        slotsUsed = 0;
        freeList = NONE;
        index = new LongLongMap();
        for (int tier = 0; tier < capacities.length; tier++) {
            final int size = in.readInt();
            for (int i = 0; i < size; i++) {
                final long hash = in.readLong();
                final int slot = allocate(hash);
                put(hash, slot);
                linkMostRecent(tier, slot);
            }
        }
    }

    /**
     * Drops every block of one tier, as a runtime's reset of that tier does (an engine's prefix-cache
     * reset, an offload store's clear); the other tiers keep theirs.
     *
     * @return the blocks dropped
     */
    public long clearTier(final int tier) {
        final long dropped = sizes[tier];
        for (int slot = heads[tier]; slot != NONE; ) {
            final int after = next(slot);
            remove(slots[2 * slot]);
            release(slot);
            slot = after;
        }
        heads[tier] = NONE;
        tails[tier] = NONE;
        sizes[tier] = 0;
        return dropped;
    }

    /** Blocks held per tier, for tests and metrics. */
    public long[] occupancy() {
        return sizes.clone();
    }
}
