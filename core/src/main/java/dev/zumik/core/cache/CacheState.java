package dev.zumik.core.cache;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A cache model's state as the streams app's snapshots keep it: whole ({@link #save}), or in two parts
 * for snapshots whose size should follow what changed rather than what is held. {@link #saveAdditions}
 * writes the entries of a cache that only grows, added since its last call (all of them when
 * {@code all}); {@link #saveBase} writes the rest. A cache that evicts or expires has no additions and
 * its base is its whole state. Loading the base, then every additions record since the last
 * {@code all} in order, gives what {@link #load} gives.
 */
public interface CacheState {

    /** Writes the whole state, so that {@link #load} on an empty cache of the same model continues exactly as this one. */
    void save(DataOutput out) throws IOException;

    /** Replaces the state with one written by {@link #save}. */
    void load(DataInput in) throws IOException;

    /** The state but for a growing cache's additions; by default the whole state. */
    default void saveBase(final DataOutput out) throws IOException {
        save(out);
    }

    /** Replaces the state with the base {@link #saveBase} wrote; additions follow through {@link #loadAdditions}. */
    default void loadBase(final DataInput in) throws IOException {
        load(in);
    }

    /** See the class comment; a cache that does not only grow writes nothing. */
    default void saveAdditions(final DataOutput out, final boolean all) throws IOException {
    }

    /** Adds one record {@link #saveAdditions} wrote. */
    default void loadAdditions(final DataInput in) throws IOException {
    }
}
