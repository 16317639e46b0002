package dev.zumik.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class LongLongMapTest {

    /** Operations on few keys (so that puts, overwrites and removals collide), checked against HashMap after each. */
    @Property(tries = 300)
    void shouldBehaveLikeAHashMap(@ForAll @Size(max = 400) final List<@IntRange(min = 0, max = 2) Integer> ops,
                                  @ForAll @Size(max = 400) final List<@IntRange(min = -40, max = 40) Integer> keys) {
        final LongLongMap map = new LongLongMap();
        final Map<Long, Long> reference = new HashMap<>();
        for (int i = 0; i < Math.min(ops.size(), keys.size()); i++) {
            final long key = keys.get(i) * 1024L;
            switch (ops.get(i)) {
                case 0 -> {
                    map.put(key, i);
                    reference.put(key, (long) i);
                }
                case 1 -> {
                    map.remove(key);
                    reference.remove(key);
                }
                default -> map.removeIf((k, v) -> v % 3 == 0);
            }
            if (ops.get(i) == 2) {
                reference.values().removeIf(v -> v % 3 == 0);
            }
            assertThat(map.size()).isEqualTo(reference.size());
            for (long k = -40; k <= 40; k++) {
                assertThat(map.get(k * 1024, -1)).isEqualTo(reference.getOrDefault(k * 1024, -1L));
            }
        }
    }
}
