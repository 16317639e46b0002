package dev.zumik.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PrefixCacheTest {

    @Test
    void shouldCountOnlyTheLeadingBlocksPresentAtArrival() {
        // given
        final TieredLruCache cache = new TieredLruCache(100);
        cache.access(new long[] {1, 2, 3}, 0);

        // when: shares 1, 2, then differs; 3 comes after the first miss and does not count
        final PrefixHit hit = cache.access(new long[] {1, 2, 9, 3}, 1);

        // then
        assertThat(hit.blocks()).isEqualTo(2);
        assertThat(hit.tokens(64, 200)).isEqualTo(128);
        assertThat(hit.tokens(64, 100)).isEqualTo(100);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedBlock() {
        // given: room for 3 blocks
        final TieredLruCache cache = new TieredLruCache(3);
        cache.access(new long[] {1, 2}, 0);
        cache.access(new long[] {3}, 1);
        cache.access(new long[] {1}, 2);

        // when: 4 evicts the least recently used, which is 2
        cache.access(new long[] {4}, 3);

        // then
        assertThat(cache.access(new long[] {1}, 4).blocks()).isEqualTo(1);
        assertThat(cache.access(new long[] {2}, 5).blocks()).isZero();
    }

    @Test
    void shouldAttributeAHitToTheTierThatHeldTheBlock() {
        // given: HBM of 2 blocks over host RAM of 4
        final TieredLruCache cache = new TieredLruCache(2, 4);
        cache.access(new long[] {1, 2, 3, 4}, 0);

        // then: 3 and 4 are in HBM, 1 and 2 dropped into RAM
        assertThat(cache.occupancy()).containsExactly(2, 2);
        final PrefixHit hit = cache.access(new long[] {1, 2, 3, 4}, 1);
        assertThat(hit.blocksByTier()).containsExactly(2, 2);
        assertThat(hit.blocks()).isEqualTo(4);
    }

    @Property
    void shouldHitLikeOneLruOfTheTiersTotalCapacity(@ForAll @Size(min = 1, max = 60) final List<@Size(min = 1, max = 12) List<@IntRange(min = 0, max = 30) Integer>> requests,
                                                    @ForAll @IntRange(min = 1, max = 8) final int hbm,
                                                    @ForAll @IntRange(min = 1, max = 8) final int ram) {
        // given: tiers keep one global recency order, so their union is LRU(hbm + ram)
        final TieredLruCache tiered = new TieredLruCache(hbm, ram);
        final TieredLruCache single = new TieredLruCache(hbm + ram);
        long time = 0;
        for (final List<Integer> request : requests) {
            final long[] blocks = chain(request);
            // then
            assertThat(tiered.access(blocks, time).blocks()).isEqualTo(single.access(blocks, time).blocks());
            time++;
        }
    }

    @Property
    void shouldNeverHitMoreThanAnInfiniteCache(@ForAll @Size(min = 1, max = 60) final List<@Size(min = 1, max = 12) List<@IntRange(min = 0, max = 30) Integer>> requests,
                                               @ForAll @IntRange(min = 1, max = 20) final int capacity) {
        final TieredLruCache bounded = new TieredLruCache(capacity);
        final TieredLruCache ideal = new TieredLruCache(Long.MAX_VALUE);
        long time = 0;
        for (final List<Integer> request : requests) {
            final long[] blocks = chain(request);
            assertThat(bounded.access(blocks, time).blocks()).isLessThanOrEqualTo(ideal.access(blocks, time).blocks());
            time++;
        }
    }

    @Property
    void shouldHitLikeTheirDefinitionsWithRepeatedBlocksWithinARequest(
            @ForAll @Size(min = 1, max = 60) final List<@Size(min = 1, max = 12) List<@IntRange(min = 0, max = 12) Integer>> requests,
            @ForAll @Size(min = 60, max = 60) final List<@IntRange(min = 0, max = 400) Integer> gaps,
            @ForAll @IntRange(min = 1, max = 1000) final int ttl) {
        // given raw block ids (not chained, so a request may name a block twice) and irregular arrival gaps
        final TtlCache ttlCache = new TtlCache(ttl);
        final InfiniteCache ideal = new InfiniteCache();
        final Map<Long, Long> lastAccess = new HashMap<>();
        long now = 0;
        for (int r = 0; r < requests.size(); r++) {
            now += gaps.get(r);
            final long[] blocks = requests.get(r).stream().mapToLong(Integer::longValue).toArray();
            // when each is asked, and the definition is worked out by hand: the leading blocks last accessed
            // less than the TTL before this request (or ever seen, for the ideal cache), then every block accessed now
            int ttlHits = 0;
            while (ttlHits < blocks.length && lastAccess.containsKey(blocks[ttlHits]) && now - lastAccess.get(blocks[ttlHits]) < ttl) {
                ttlHits++;
            }
            int idealHits = 0;
            while (idealHits < blocks.length && lastAccess.containsKey(blocks[idealHits])) {
                idealHits++;
            }
            for (final long block : blocks) {
                lastAccess.put(block, now);
            }
            // then
            assertThat(ttlCache.access(blocks, now).blocks()).isEqualTo(ttlHits);
            assertThat(ideal.access(blocks, now).blocks()).isEqualTo(idealHits);
        }
    }

    @Test
    void shouldExpireBlocksTtlAfterTheirLastAccess() {
        // given
        final TtlCache cache = new TtlCache(1000);
        cache.access(new long[] {1, 2}, 0);

        // when / then: an access at 900 renews both; at 1899 they are still there, at 2900 gone
        assertThat(cache.access(new long[] {1, 2}, 900).blocks()).isEqualTo(2);
        assertThat(cache.access(new long[] {1}, 1899).blocks()).isEqualTo(1);
        assertThat(cache.access(new long[] {1, 2}, 2900).blocks()).isZero();
    }

    @Test
    void shouldReportManagedCachedTokensOnlyFrom1024In128TokenSteps() {
        // given: 64-token blocks, 10-minute TTL
        final ManagedProviderCache managed = ManagedProviderCache.openAi(600_000);
        final long[] first = chain(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20));
        final long[] shortPrompt = chain(List.of(1, 2, 3, 4, 5));

        // when / then
        assertThat(managed.cachedTokens(first, 64, 1270, 0)).isZero();
        // same 20 blocks again: 1,270 tokens hit, rounded down to 1,152
        assertThat(managed.cachedTokens(first, 64, 1270, 1000)).isEqualTo(1152);
        // under 1,024 tokens nothing is cached or reported
        assertThat(managed.cachedTokens(shortPrompt, 64, 300, 2000)).isZero();
        // after the TTL the cache is cold again
        assertThat(managed.cachedTokens(first, 64, 1270, 700_000)).isZero();
    }

    /** Chains ids like a prompt's block hashes: each hash depends on all before it. */
    static long[] chain(final List<Integer> ids) {
        final long[] out = new long[ids.size()];
        long previous = 17;
        for (int i = 0; i < out.length; i++) {
            previous = previous * 1_000_003L + ids.get(i);
            out[i] = previous;
        }
        return out;
    }
}
