package dev.zumik.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The array-based tiers against the plain LinkedHashMap version they replaced: same hits, same occupancy, same saved state. */
class TieredLruCacheTest {

    @Property(tries = 300)
    void shouldBehaveExactlyLikeTheReference(
            @ForAll @Size(min = 1, max = 200) final List<@Size(min = 1, max = 20) List<@IntRange(min = 0, max = 60) Integer>> requests,
            @ForAll @Size(min = 1, max = 3) final List<@IntRange(min = 1, max = 25) Integer> capacities) throws Exception {
        // given
        final long[] caps = capacities.stream().mapToLong(Integer::longValue).toArray();
        final TieredLruCache fast = new TieredLruCache(caps);
        final ReferenceTieredLru reference = new ReferenceTieredLru(caps);
        // when / then
        for (final List<Integer> request : requests) {
            final long[] blocks = request.stream().mapToLong(i -> i * 7919L - 100_000L).toArray();
            assertThat(fast.access(blocks, 0).blocksByTier()).isEqualTo(reference.access(blocks, 0).blocksByTier());
            assertThat(fast.occupancy()).isEqualTo(reference.occupancy());
        }
        final ByteArrayOutputStream a = new ByteArrayOutputStream();
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        fast.save(new DataOutputStream(a));
        reference.save(new DataOutputStream(b));
        assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
        final TieredLruCache loaded = new TieredLruCache(caps);
        loaded.load(new DataInputStream(new ByteArrayInputStream(a.toByteArray())));
        final long[] probe = requests.get(0).stream().mapToLong(i -> i * 7919L - 100_000L).toArray();
        assertThat(loaded.access(probe, 0).blocksByTier()).isEqualTo(reference.access(probe, 0).blocksByTier());
    }

    @Test
    void shouldDropOneTierAndKeepTheOthersWhenATierIsCleared() {
        // given blocks 1..5 through an HBM of 2 and a host tier of 10: 4 and 5 in HBM, 1..3 in host
        final TieredLruCache cache = new TieredLruCache(2, 10);
        cache.access(new long[] {1, 2, 3, 4, 5}, 0);
        assertThat(cache.occupancy()).containsExactly(2, 3);

        // when the HBM tier is reset
        final long dropped = cache.clearTier(0);

        // then only the host tier's blocks still hit, the cleared slots are reused, and clearing the host too leaves nothing
        assertThat(dropped).isEqualTo(2);
        assertThat(cache.occupancy()).containsExactly(0, 3);
        assertThat(cache.access(new long[] {1, 2, 3, 4, 5}, 0).blocksByTier()).containsExactly(0, 3);
        assertThat(cache.clearTier(1) + cache.clearTier(0)).isEqualTo(5);
        assertThat(cache.access(new long[] {1, 2, 3}, 0).blocks()).isZero();
    }
}
