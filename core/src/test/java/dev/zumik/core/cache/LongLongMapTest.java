package dev.zumik.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class LongLongMapTest {

    /** Spread keys, and Long.MIN_VALUE, which the map uses to mark free slots. */
    private static long key(final int index) {
        return index == 40 ? Long.MIN_VALUE : index * 1024L;
    }

    /** Operations on few keys (so that puts, overwrites and removals collide), checked against HashMap after each. */
    @Property(tries = 300)
    void shouldBehaveLikeAHashMap(@ForAll @Size(max = 400) final List<@IntRange(min = 0, max = 2) Integer> ops,
                                  @ForAll @Size(max = 400) final List<@IntRange(min = -40, max = 40) Integer> keys) {
        checkAgainstHashMap(new LongLongMap(), ops, keys, false);
    }

    /** The same for a keys-only map, whose values all read as 0. */
    @Property(tries = 300)
    void shouldBehaveLikeAHashSetWhenKeysOnly(@ForAll @Size(max = 400) final List<@IntRange(min = 0, max = 2) Integer> ops,
                                             @ForAll @Size(max = 400) final List<@IntRange(min = -40, max = 40) Integer> keys) {
        checkAgainstHashMap(LongLongMap.keysOnly(), ops, keys, true);
    }

    private static void checkAgainstHashMap(final LongLongMap map, final List<Integer> ops, final List<Integer> keys, final boolean keysOnly) {
        final Map<Long, Long> reference = new HashMap<>();
        for (int i = 0; i < Math.min(ops.size(), keys.size()); i++) {
            final long key = key(keys.get(i));
            switch (ops.get(i)) {
                case 0 -> {
                    map.put(key, i);
                    reference.put(key, keysOnly ? 0L : i);
                }
                case 1 -> {
                    map.remove(key);
                    reference.remove(key);
                }
                default -> map.removeIf((k, v) -> (keysOnly ? k : v) % 3 == 0);
            }
            if (ops.get(i) == 2) {
                reference.entrySet().removeIf(e -> (keysOnly ? e.getKey() : e.getValue()) % 3 == 0);
            }
            assertThat(map.size()).isEqualTo(reference.size());
            for (long k = -40; k <= 40; k++) {
                assertThat(map.get(key((int) k), -1)).isEqualTo(reference.getOrDefault(key((int) k), -1L));
                assertThat(map.containsKey(key((int) k))).isEqualTo(reference.containsKey(key((int) k)));
            }
        }
    }

    /** Many entries, so that clusters are long and some wrap around the table's end; purges of any share, then more changes. */
    @Property(tries = 200)
    void shouldPurgeInPlaceLikeAHashMap(@ForAll final long seed, @ForAll @IntRange(min = 0, max = 3000) final int entries,
                                        @ForAll @IntRange(min = 1, max = 5) final int modulus) {
        final Random random = new Random(seed);
        final LongLongMap map = new LongLongMap();
        final Map<Long, Long> reference = new HashMap<>();
        final long[] keys = new long[entries];
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < entries; i++) {
                keys[i] = random.nextInt(8) == 0 && i > 0 ? keys[random.nextInt(i)] : random.nextLong();
                final long value = random.nextInt(1000);
                map.put(keys[i], value);
                reference.put(keys[i], value);
            }
            final int drop = random.nextInt(modulus);
            map.removeIf((k, v) -> v % modulus == drop);
            reference.entrySet().removeIf(e -> e.getValue() % modulus == drop);
            for (int i = 0; i < entries / 3; i++) {
                map.remove(keys[i]);
                reference.remove(keys[i]);
            }
            assertThat(map.size()).isEqualTo(reference.size());
            for (final long k : keys) {
                assertThat(map.get(k, -1)).isEqualTo(reference.getOrDefault(k, -1L));
            }
            final Map<Long, Long> listed = new HashMap<>();
            map.forEach(listed::put);
            assertThat(listed).isEqualTo(reference);
        }
    }
}
