package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.core.hashing.BlockHasher;
import dev.zumik.sim.model.Plan;
import dev.zumik.sim.model.Planner;
import dev.zumik.sim.model.PromptRequest;
import dev.zumik.sim.profile.Profiles;
import dev.zumik.sim.profile.SimProfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final BlockHasher HASHER = new BlockHasher("planner-test-key!".getBytes(StandardCharsets.UTF_8));

    private static SimProfile profile(final String name) {
        return Profiles.load(name, Optional.empty());
    }

    private static SimProfile withCache(final SimProfile p, final SimProfile.Cache cache, final int blockSize) {
        return p.withCache(cache, blockSize);
    }

    private static SimProfile withFaults(final SimProfile p, final SimProfile.Faults faults, final long seed) {
        return p.withFaults(faults).withSeed(seed);
    }

    /** A prompt of {@code length} tokens whose first {@code shared} tokens are common to every prompt with this {@code family}. */
    private static PromptRequest prompt(final int family, final int shared, final int length, final int blockSize, final Integer maxTokens) {
        final int[] tokens = IntStream.range(0, length).map(i -> i < shared ? family * 1_000_000 + i : 500_000_000 + length * 31 + i).toArray();
        return new PromptRequest(HASHER.hashTokens(tokens, length, blockSize), length, false, maxTokens, 0, false, null);
    }

    @Test
    void shouldReportGpuCacheHitsAfterWarmUp() {
        // given
        final Planner planner = new Planner(profile("vllm"));
        // when: the same 4,000-token system prompt twice, different questions
        final Plan cold = planner.plan(prompt(1, 4000, 4100, 16, 10), 0);
        final Plan warm = planner.plan(prompt(1, 4000, 4200, 16, 10), 1);
        // then: the second reuses the shared blocks, rounded down to whole blocks
        assertThat(cold.cache().reportedCachedTokens()).isZero();
        assertThat(warm.cache().reportedCachedTokens()).isEqualTo(4000);
        assertThat(warm.cache().hitTokensByTier()).containsExactly(4000);
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedPrefixWhenTheGpuCacheIsFull() {
        // given an HBM tier of 10 blocks of 16 tokens
        final SimProfile small = withCache(profile("vllm"), new SimProfile.Cache("gpu",
                List.of(new SimProfile.Tier("hbm", 160, 0)), 0, 1, 0, false), 16);
        final Planner planner = new Planner(small);
        // when: A (6 blocks), B (6 blocks) pushes A's oldest blocks out, then A again
        planner.plan(prompt(1, 96, 96, 16, 1), 0);
        planner.plan(prompt(2, 96, 96, 16, 1), 1);
        final Plan again = planner.plan(prompt(1, 96, 96, 16, 1), 2);
        // then: A's first blocks were evicted, so its prefix hit is 0
        assertThat(again.cache().reportedCachedTokens()).isZero();
    }

    @Test
    void shouldAttributeHitsToTheTierThatHeldThem() {
        // given HBM of 4 blocks and a host tier of 100 blocks
        final SimProfile tiered = withCache(profile("sglang"), new SimProfile.Cache("gpu",
                List.of(new SimProfile.Tier("hbm", 64, 0), new SimProfile.Tier("host", 1600, 215_000)), 0, 1, 0, false), 16);
        final Planner planner = new Planner(tiered);
        // when A (4 blocks) is pushed to host by B, then A returns
        planner.plan(prompt(1, 64, 64, 16, 1), 0);
        planner.plan(prompt(2, 64, 64, 16, 1), 1);
        final Plan again = planner.plan(prompt(1, 64, 64, 16, 1), 2);
        // then all of A's tokens come from the host tier
        assertThat(again.cache().hitTokensByTier()).containsExactly(0, 64);
        assertThat(again.cache().reportedCachedTokens()).isEqualTo(64);
    }

    @Test
    void shouldFollowTheManagedRulesOfMinimumAndIncrement() {
        // given OpenAI's rules: nothing under 1,024 tokens, then 128-token steps
        final Planner planner = new Planner(profile("managed-openai"));
        // when
        planner.plan(prompt(1, 1000, 1000, 128, 1), 0);
        final Plan tooShort = planner.plan(prompt(1, 1000, 1000, 128, 1), 1);
        planner.plan(prompt(2, 1500, 1600, 128, 1), 2);
        final Plan longEnough = planner.plan(prompt(2, 1500, 1700, 128, 1), 3);
        // then
        assertThat(tooShort.cache().reportedCachedTokens()).isZero();
        assertThat(longEnough.cache().reportedCachedTokens()).isEqualTo(1408).matches(c -> c % 128 == 0 && c >= 1024);
    }

    @Test
    void shouldForgetAManagedPrefixAfterItsIdleTtl() {
        // given a 300 s idle TTL
        final Planner planner = new Planner(profile("managed-openai"));
        planner.plan(prompt(1, 2048, 2048, 128, 1), 0);
        // when: again after 299 s, then 301 s after that
        final Plan within = planner.plan(prompt(1, 2048, 2048, 128, 1), 299_000);
        final Plan after = planner.plan(prompt(1, 2048, 2048, 128, 1), 299_000 + 301_000);
        // then
        assertThat(within.cache().reportedCachedTokens()).isEqualTo(2048);
        assertThat(after.cache().reportedCachedTokens()).isZero();
    }

    @Test
    void shouldCacheAnthropicPromptsOnlyWhenAsked() {
        // given
        final Planner planner = new Planner(profile("managed-anthropic"));
        final PromptRequest plain = prompt(1, 3000, 3000, 64, 1);
        final PromptRequest marked = new PromptRequest(plain.blockHashes(), 3000, true, 1, 0, false, null);
        // when
        final Plan unmarked = planner.plan(plain, 0);
        final Plan unmarkedAgain = planner.plan(plain, 1);
        final Plan write = planner.plan(marked, 2);
        final Plan read = planner.plan(marked, 3);
        // then: no cache without cache_control; with it, a write and then a read
        assertThat(unmarked.cache().writtenTokens()).isZero();
        assertThat(unmarkedAgain.cache().reportedCachedTokens()).isZero();
        assertThat(write.cache().writtenTokens()).isEqualTo(3000);
        assertThat(read.cache().reportedCachedTokens()).isEqualTo(3000);
        assertThat(read.cache().writtenTokens()).isZero();
    }

    @Test
    void shouldHonourMaxTokensMinTokensAndIgnoreEos() {
        // given
        final Planner planner = new Planner(profile("vllm"));
        final long[] hashes = prompt(1, 10, 10, 16, null).blockHashes();
        // when
        final Plan exact = planner.plan(new PromptRequest(hashes, 10, false, 700, 0, true, null), 0);
        final List<Plan> natural = new ArrayList<>();
        final List<Plan> atLeast = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            natural.add(planner.plan(new PromptRequest(hashes, 10, false, 300, 0, false, null), i));
            atLeast.add(planner.plan(new PromptRequest(hashes, 10, false, 300, 250, false, null), i));
        }
        // then: ignore_eos gives exactly max_tokens; otherwise a natural length within [1, max], at least min_tokens
        assertThat(exact.outputTokens()).isEqualTo(700);
        assertThat(exact.finishLength()).isTrue();
        assertThat(natural).allSatisfy(p -> assertThat(p.outputTokens()).isBetween(1, 300));
        assertThat(natural).anySatisfy(p -> assertThat(p.finishLength()).isFalse());
        assertThat(natural).allSatisfy(p -> assertThat(p.finishLength()).isEqualTo(p.outputTokens() == 300));
        assertThat(atLeast).allSatisfy(p -> assertThat(p.outputTokens()).isBetween(250, 300));
    }

    @Test
    void shouldStopAtTheContextWindowWithoutALimit() {
        // given a prompt that leaves 100 tokens of a 131,072-token window
        final Planner planner = new Planner(profile("vllm"));
        // when
        final Plan plan = planner.plan(new PromptRequest(new long[0], 130_972, false, null, 0, true, null), 0);
        // then
        assertThat(plan.outputTokens()).isEqualTo(100);
    }

    @Test
    void shouldMakeTheSamePlansFromTheSameSeedAndDifferentOnesFromAnother() {
        // given faults on, so every draw matters
        final SimProfile.Faults faults = new SimProfile.Faults(Map.of(429, 0.1, 500, 0.05), 0.1, 500, 0.1, 0.1, 300);
        // when
        final List<Plan> a = plans(withFaults(profile("vllm"), faults, 7));
        final List<Plan> b = plans(withFaults(profile("vllm"), faults, 7));
        final List<Plan> c = plans(withFaults(profile("vllm"), faults, 8));
        // then
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    private static List<Plan> plans(final SimProfile profile) {
        final Planner planner = new Planner(profile);
        final List<Plan> out = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            final Plan p = planner.plan(prompt(i % 5, 200, 300 + i, 16, 200), i * 10L);
            // records compare arrays by reference: compare a copy without them
            out.add(new Plan(p.sequence(), null, p.outputTokens(), p.finishLength(), p.errorStatus(), p.dropAfterTokens(),
                    p.slowFirstByteNanos(), p.spikeNanos(), p.textSeed()));
        }
        return out;
    }

    @Test
    void shouldInjectFaultsAtTheirRatesAndWhenForced() {
        // given 20% 429s and 10% dropped streams
        final SimProfile faulty = withFaults(profile("vllm"), new SimProfile.Faults(Map.of(429, 0.2), 0, 0, 0.1, 0, 0), 3);
        final Planner planner = new Planner(faulty);
        // when
        int errors = 0;
        int drops = 0;
        for (int i = 0; i < 5000; i++) {
            final Plan p = planner.plan(prompt(1, 32, 32, 16, 50), i);
            errors += p.errorStatus() == 429 ? 1 : 0;
            drops += p.dropAfterTokens() >= 0 ? 1 : 0;
        }
        final Plan forced = planner.plan(new PromptRequest(new long[0], 0, false, 5, 0, false, "503"), 0);
        // then: rates within a generous band, and the header wins
        assertThat(errors / 5000.0).isBetween(0.17, 0.23);
        assertThat(drops / 4000.0).isBetween(0.08, 0.12);
        assertThat(forced.errorStatus()).isEqualTo(503);
    }
}
