package dev.zumik.core.reuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.core.cache.CacheLookup;
import dev.zumik.core.cost.PriceTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReuseSimulatorTest {
    private static final List<CachePolicy> POLICIES = CachePolicy.parseList("infinite,lru:4k,ttl:30s,managed:60s");

    /** Requests drawn from a few shared prefixes, so that every policy sees hits, evictions and expiries. */
    private static List<long[]> requests(final long seed, final int count) {
        final Random random = new Random(seed);
        final List<long[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final int family = random.nextInt(5);
            final long[] blocks = new long[1 + random.nextInt(40)];
            for (int b = 0; b < blocks.length; b++) {
                blocks[b] = b < 25 ? family * 1000L + b : random.nextLong();
            }
            out.add(blocks);
        }
        return out;
    }

    private static String describe(final List<CacheLookup> lookups) {
        final StringBuilder s = new StringBuilder();
        for (final CacheLookup l : lookups) {
            s.append(l.hitBlocks()).append('/').append(Arrays.toString(l.hitTokensByTier())).append('/')
                    .append(l.reportedCachedTokens()).append(' ');
        }
        return s.toString();
    }

    @Property(tries = 30)
    void shouldContinueExactlyAfterSaveAndLoad(@ForAll final long seed, @ForAll @IntRange(min = 1, max = 299) final int cut) throws Exception {
        // given one simulator that runs through, and one that is saved at the cut and loaded into a fresh one
        final List<long[]> requests = requests(seed, 300);
        final ReuseSimulator through = new ReuseSimulator(POLICIES);
        ReuseSimulator interrupted = new ReuseSimulator(POLICIES);
        final List<String> expected = new ArrayList<>();
        final List<String> actual = new ArrayList<>();
        // when
        for (int i = 0; i < requests.size(); i++) {
            if (i == cut) {
                final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                interrupted.save(new DataOutputStream(bytes));
                interrupted = new ReuseSimulator(POLICIES);
                interrupted.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            }
            final long now = i * 1000L;
            final long prompt = requests.get(i).length * 64L - 10;
            expected.add(describe(through.observe(requests.get(i), 64, prompt, now)));
            actual.add(describe(interrupted.observe(requests.get(i), 64, prompt, now)));
        }
        // then
        assertThat(actual).isEqualTo(expected);
    }

    @Property(tries = 30)
    void shouldContinueExactlyFromABaseAndTheAdditionsSinceTheyStartedOver(@ForAll final long seed,
                                                                           @ForAll @IntRange(min = 1, max = 299) final int cut,
                                                                           @ForAll @IntRange(min = 1, max = 120) final int every,
                                                                           @ForAll @IntRange(min = 0, max = 299) final int newBlockSizeAt)
            throws Exception {
        // given one simulator that runs through, and one saved in increments every so many requests (the block
        // size changing once on the way, which makes its caches anew) and, at the cut, loaded from its last base
        // and its additions records since they last started over
        final List<long[]> requests = requests(seed, 300);
        final ReuseSimulator through = new ReuseSimulator(POLICIES);
        ReuseSimulator interrupted = new ReuseSimulator(POLICIES);
        final List<String> expected = new ArrayList<>();
        final List<String> actual = new ArrayList<>();
        final ByteArrayOutputStream additions = new ByteArrayOutputStream();
        byte[] base = null;
        // when
        for (int i = 0; i < requests.size(); i++) {
            if (i % every == 0) {
                final ByteArrayOutputStream baseBytes = new ByteArrayOutputStream();
                final ByteArrayOutputStream record = new ByteArrayOutputStream();
                if (interrupted.saveIncrement(new DataOutputStream(baseBytes), new DataOutputStream(record))) {
                    additions.reset();
                }
                additions.writeBytes(record.toByteArray());
                base = baseBytes.toByteArray();
            }
            if (i == cut) {
                interrupted = new ReuseSimulator(POLICIES);
                interrupted.loadIncrements(new DataInputStream(new ByteArrayInputStream(base)),
                        new DataInputStream(new ByteArrayInputStream(additions.toByteArray())));
                // (the requests since the last save, as the streams app replays its journal)
                for (int j = i - i % every; j < i; j++) {
                    observe(interrupted, requests.get(j), j, newBlockSizeAt);
                }
            }
            expected.add(describe(observe(through, requests.get(i), i, newBlockSizeAt)));
            actual.add(describe(observe(interrupted, requests.get(i), i, newBlockSizeAt)));
        }
        // then
        assertThat(actual).isEqualTo(expected);
    }

    private static List<CacheLookup> observe(final ReuseSimulator simulator, final long[] blocks, final int i, final int newBlockSizeAt) {
        final int blockSize = i < newBlockSizeAt ? 64 : 32;
        return simulator.observe(blocks, blockSize, blocks.length * (long) blockSize - 10, i * 1000L);
    }

    @Test
    void shouldSaveOnlyTheIdealCachesNewBlocksInEachIncrement() throws Exception {
        // given a simulator that has seen 200 requests
        final ReuseSimulator simulator = new ReuseSimulator(POLICIES);
        final List<long[]> requests = requests(3, 210);
        for (int i = 0; i < 200; i++) {
            simulator.observe(requests.get(i), 64, requests.get(i).length * 64L, i * 1000L);
        }
        final ByteArrayOutputStream whole = new ByteArrayOutputStream();
        simulator.save(new DataOutputStream(whole));
        // (the ideal cache, the first policy, holds every distinct block it was given)
        final int idealBlocks = distinct(requests.subList(0, 200));

        // when it is saved in increments, then after 10 more requests again
        final ByteArrayOutputStream base = new ByteArrayOutputStream();
        final ByteArrayOutputStream first = new ByteArrayOutputStream();
        final boolean startedOver = simulator.saveIncrement(new DataOutputStream(base), new DataOutputStream(first));
        for (int i = 200; i < 210; i++) {
            simulator.observe(requests.get(i), 64, requests.get(i).length * 64L, i * 1000L);
        }
        final ByteArrayOutputStream second = new ByteArrayOutputStream();
        final boolean secondStartedOver = simulator.saveIncrement(new DataOutputStream(new ByteArrayOutputStream()),
                new DataOutputStream(second));

        // then the first increment holds every ideal block and the base none, and the second only the blocks new since
        assertThat(startedOver).isTrue();
        assertThat(secondStartedOver).isFalse();
        assertThat(base.size()).isEqualTo(whole.size() - Integer.BYTES - idealBlocks * Long.BYTES);
        // record: cache count, then the ideal cache's block count and blocks (the other caches write no additions)
        assertThat(first.size()).isEqualTo(2 * Integer.BYTES + idealBlocks * Long.BYTES);
        assertThat(second.size()).isEqualTo(2 * Integer.BYTES + (distinct(requests) - idealBlocks) * Long.BYTES);
    }

    private static int distinct(final List<long[]> requests) {
        return (int) requests.stream().flatMapToLong(Arrays::stream).distinct().count();
    }

    @Test
    void shouldTakeTheManagedRulesOfTheLanesModelFromThePriceTable() {
        // given a 3,000-token prompt sent twice: over OpenAI's 1,024-token minimum, under Haiku 4.5's 4,096
        final PriceTable prices = PriceTable.defaults();
        final List<CachePolicy> policies = CachePolicy.parseList("managed");
        final long[] blocks = LongStream.range(0, 47).toArray();
        // when
        final ReuseSimulator openai = new ReuseSimulator(CachePolicy.forModel(policies, prices, "openai", "gpt-4.1"));
        final ReuseSimulator haiku = new ReuseSimulator(CachePolicy.forModel(policies, prices, "anthropic", "claude-haiku-4-5"));
        for (final ReuseSimulator s : List.of(openai, haiku)) {
            s.observe(blocks, 64, 3000, 0);
            s.observe(blocks, 64, 3000, 1000);
        }
        // then
        assertThat(openai.totals().get(0).hitTokens()).isEqualTo(2944);
        assertThat(haiku.totals().get(0).hitTokens()).isZero();
        assertThat(CachePolicy.forModel(policies, prices, "acme", "unknown")).isSameAs(policies);
    }

    @Test
    void shouldParsePoliciesAndNameMistakes() {
        assertThat(CachePolicy.parseList("infinite, lru:1e6, lru:500k, ttl:5m, managed, managed:1h").stream().map(CachePolicy::name))
                .containsExactly("infinite", "lru:1000000", "lru:500000", "ttl:300s", "managed", "managed:3600s");
        assertThatThrownBy(() -> CachePolicy.parse("lru:lots")).hasMessageContaining("'lots' is not a token count");
        assertThatThrownBy(() -> CachePolicy.parse("ttl:soon")).hasMessageContaining("'soon' is not a duration");
        assertThatThrownBy(() -> CachePolicy.parse("arc:5")).hasMessageContaining("unknown cache policy 'arc:5'");
    }
}
