package dev.zumik.core.tokens;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A tiktoken encoding's mergeable ranks (each token's bytes and its id), looked up by a range of a
 * byte array without copying it, and byte-pair merging over them: tiktoken's {@code _byte_pair_merge}
 * (merge the adjacent pair whose bytes rank lowest, the leftmost of equals, until no pair is a token).
 * Immutable and thread-safe.
 */
final class BytePairRanks {
    private static final int ABSENT = -1;

    /** Tokens of at most this many bytes are looked up by their bytes packed into a long: most lookups, as merging starts from pairs. */
    private static final int SHORT = 7;

    /** Token bytes by rank. */
    private final byte[][] tokens;
    /** Longer tokens: open addressing, at most half full; a rank, or ABSENT. */
    private final int[] table;
    private final int mask;
    /** Short tokens: open addressing by packed bytes, at most half full; key 0 is free. */
    private final long[] shortKeys;
    private final int[] shortRanks;
    private final int shortShift;

    private BytePairRanks(final byte[][] tokens) {
        this.tokens = tokens;
        int shortCount = 0;
        for (final byte[] token : tokens) {
            shortCount += token != null && token.length <= SHORT ? 1 : 0;
        }
        this.table = new int[tableSize(tokens.length - shortCount)];
        this.mask = table.length - 1;
        this.shortKeys = new long[tableSize(shortCount)];
        this.shortRanks = new int[shortKeys.length];
        this.shortShift = 64 - Integer.numberOfTrailingZeros(shortKeys.length);
        Arrays.fill(table, ABSENT);
        for (int rank = 0; rank < tokens.length; rank++) {
            final byte[] token = tokens[rank];
            if (token == null) {
                continue;
            }
            if (token.length <= SHORT) {
                final long key = packed(token, 0, token.length);
                int i = shortSlot(key);
                while (shortKeys[i] != 0) {
                    i = (i + 1) & (shortKeys.length - 1);
                }
                shortKeys[i] = key;
                shortRanks[i] = rank;
            } else {
                int i = hash(token, 0, token.length) & mask;
                while (table[i] != ABSENT) {
                    i = (i + 1) & mask;
                }
                table[i] = rank;
            }
        }
    }

    /** A power of two of at least 16 slots that holds {@code entries} at most half full. */
    private static int tableSize(final int entries) {
        return Integer.highestOneBit(Math.max(16, entries * 2 - 1)) << 1;
    }

    /** The length, then each byte: distinct for distinct sequences of 1 to 7 bytes, and never 0. */
    private static long packed(final byte[] bytes, final int from, final int to) {
        long key = to - from;
        for (int i = from; i < to; i++) {
            key = key << 8 | (bytes[i] & 0xFF);
        }
        return key;
    }

    private int shortSlot(final long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shortShift);
    }

    /** Reads a {@code .tiktoken} resource: one "base64-bytes rank" line per token. */
    static BytePairRanks load(final String resource) {
        try (InputStream in = BytePairRanks.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("tokenizer ranks " + resource + " are not on the classpath (they come with jtokkit)");
            }
            final List<byte[]> byRank = new ArrayList<>();
            final BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            final Base64.Decoder base64 = Base64.getDecoder();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                final int space = line.indexOf(' ');
                if (space < 0) {
                    continue;
                }
                final int rank = Integer.parseInt(line.substring(space + 1).trim());
                while (byRank.size() <= rank) {
                    byRank.add(null);
                }
                byRank.set(rank, base64.decode(line.substring(0, space)));
            }
            return new BytePairRanks(byRank.toArray(new byte[0][]));
        } catch (final IOException e) {
            throw new UncheckedIOException("could not read tokenizer ranks " + resource, e);
        }
    }

    private static int hash(final byte[] bytes, final int from, final int to) {
        int h = 0x811C9DC5;
        for (int i = from; i < to; i++) {
            h = (h ^ bytes[i]) * 0x01000193;
        }
        return h ^ (h >>> 15);
    }

    /** The rank of {@code bytes[from, to)}, or -1 when it is not a token. */
    int rank(final byte[] bytes, final int from, final int to) {
        final int length = to - from;
        if (length <= SHORT) {
            final long key = packed(bytes, from, to);
            for (int i = shortSlot(key); ; i = (i + 1) & (shortKeys.length - 1)) {
                if (shortKeys[i] == key) {
                    return shortRanks[i];
                }
                if (shortKeys[i] == 0) {
                    return ABSENT;
                }
            }
        }
        for (int i = hash(bytes, from, to) & mask; ; i = (i + 1) & mask) {
            final int rank = table[i];
            if (rank == ABSENT) {
                return ABSENT;
            }
            final byte[] token = tokens[rank];
            if (token.length == length && Arrays.equals(token, 0, length, bytes, from, to)) {
                return rank;
            }
        }
    }

    /**
     * Appends the tokens of the piece {@code bytes[0, length)} to {@code out}. Pairs wait in a heap by
     * (rank, start), so a long piece (a run of one character can be thousands of bytes) merges in
     * n log n rather than tiktoken's n² scan; the merges, and so the tokens, are the same.
     */
    void merge(final byte[] bytes, final int length, final Scratch scratch, final TokenIds out) {
        final int whole = rank(bytes, 0, length);
        if (whole != ABSENT) {
            out.add(whole);
            return;
        }
        scratch.ensure(length);
        // parts are linked by their first byte's index; a part's pair is its bytes and its successor's
        final int[] next = scratch.next;
        final int[] prev = scratch.prev;
        final int[] pairRank = scratch.pairRank;
        final LongHeap heap = scratch.heap;
        heap.clear();
        for (int i = 0; i < length; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < length; i++) {
            pairRank[i] = rank(bytes, i, i + 2);
            if (pairRank[i] != ABSENT) {
                heap.push((long) pairRank[i] << 32 | i);
            }
        }
        pairRank[length - 1] = ABSENT;
        while (!heap.isEmpty()) {
            final long top = heap.pop();
            final int start = (int) top;
            final int rank = (int) (top >>> 32);
            if (next[start] < 0 || pairRank[start] != rank) {
                continue; // merged away, or its pair changed since this entry
            }
            final int gone = next[start];
            next[start] = next[gone];
            next[gone] = -1;
            if (next[start] < length) {
                prev[next[start]] = start;
            }
            pairRank[start] = pairRankOf(bytes, next, start, length);
            if (pairRank[start] != ABSENT) {
                heap.push((long) pairRank[start] << 32 | start);
            }
            final int before = prev[start];
            if (before >= 0) {
                pairRank[before] = pairRankOf(bytes, next, before, length);
                if (pairRank[before] != ABSENT) {
                    heap.push((long) pairRank[before] << 32 | before);
                }
            }
        }
        for (int start = 0; start < length; start = next[start]) {
            out.add(rank(bytes, start, next[start]));
        }
    }

    private int pairRankOf(final byte[] bytes, final int[] next, final int start, final int length) {
        final int second = next[start];
        return second >= length ? ABSENT : rank(bytes, start, next[second]);
    }

    /** Working arrays of one caller, reused across pieces. */
    static final class Scratch {
        private int[] next = new int[64];
        private int[] prev = new int[64];
        private int[] pairRank = new int[64];
        private final LongHeap heap = new LongHeap();

        private void ensure(final int length) {
            if (next.length < length) {
                final int size = Math.max(length, next.length * 2);
                next = new int[size];
                prev = new int[size];
                pairRank = new int[size];
            }
        }
    }

    /** A binary min-heap of longs. */
    static final class LongHeap {
        private long[] items = new long[64];
        private int size;

        void clear() {
            size = 0;
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(final long item) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            int i = size++;
            while (i > 0) {
                final int parent = (i - 1) >>> 1;
                if (items[parent] <= item) {
                    break;
                }
                items[i] = items[parent];
                i = parent;
            }
            items[i] = item;
        }

        long pop() {
            final long top = items[0];
            final long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && items[child + 1] < items[child]) {
                    child++;
                }
                if (items[child] >= last) {
                    break;
                }
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
