package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.replay.client.ErrorClass;
import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.verdict.Bootstrap;
import dev.zumik.replay.verdict.Percentiles;
import dev.zumik.replay.verdict.ReplayCosts;
import dev.zumik.replay.verdict.SideStats;
import dev.zumik.schemas.avro.RequestShape;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class VerdictMathTest {

    @Test
    void shouldTakeNearestRankPercentiles() {
        final Percentiles.Summary s = Percentiles.of(new double[] {5, 1, 4, 2, 3, 6, 7, 8, 9, 10, Double.NaN});
        assertThat(s.count()).isEqualTo(10);
        assertThat(s.p50()).isEqualTo(5);
        assertThat(s.p90()).isEqualTo(9);
        assertThat(s.p99()).isEqualTo(10);
    }

    @Test
    void shouldMeasureLatencyFromTheIntendedSendTimeAndCountSloMisses() {
        // given one request sent 30 ms late whose first token came 100 ms after it was meant to be sent
        final List<Outcome> outcomes = List.of(ok(0, 30_000_000L, 100_000_000L, 500_000_000L, 1000, 800, 11),
                ok(1, 0, 2_000_000_000L, 2_500_000_000L, 1000, 0, 11),
                new Outcome(2, 0, 0, 503, ErrorClass.OVERLOADED, -1, 10_000_000L, 0, new int[0], null, null, null, null, 1000, 11, 0));
        // when
        final SideStats s = SideStats.of("b", outcomes, 0, new SideStats.Slo(1000.0, null), 2000, 10);
        // then
        assertThat(s.ttftMs().p50()).isEqualTo(100);
        assertThat(s.lagMs().p99()).isEqualTo(30);
        assertThat(s.tpotMs().p50()).isEqualTo(40);
        assertThat(s.sloAttainment()).isEqualTo(1 / 3.0);
        assertThat(s.errorsByClass()).containsEntry("OVERLOADED", 1L);
        assertThat(s.capture()).isEqualTo(0.4);
        assertThat(s.captureOfIdeal()).isEqualTo(0.4);
    }

    private static final List<RequestShape> SHAPES = Workloads.sharedPrefix(Workloads.lane("openai", "gpt-4.1"),
            Instant.EPOCH, 200, 10, 512, 488, 10, 1);

    private static ReplayCosts costs(final List<Outcome> b, final List<Outcome> c) {
        return new ReplayCosts(PriceTable.defaults().forModel("openai", "gpt-4.1").get(), ByocProfile.shipped("dynamo"), PriceTable.defaults(),
                ReplayJob.Demand.of(SHAPES, 0, 20_000), b, c);
    }

    /** 200 requests 100 ms apart; both sides' caches serve {@code cached.applyAsInt(i)} of each 1,000-token prompt. */
    private static List<List<Outcome>> run(final IntUnaryOperator cached) {
        final List<Outcome> b = new ArrayList<>();
        final List<Outcome> c = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            b.add(sent(i, i * 100_000_000L, (100 + i % 17) * 1_000_000L, 900_000_000L, 1000, cached.applyAsInt(i), 10));
            c.add(sent(i, i * 100_000_000L, (80 + i % 13) * 1_000_000L, 800_000_000L, 1000, cached.applyAsInt(i), 10));
        }
        return List.of(b, c);
    }

    private static Bootstrap.Result intervals(final List<List<List<Outcome>>> runs, final long blockNanos, final long seed) {
        return Bootstrap.run(runs.stream().map(r -> costs(r.get(0), r.get(1))).toList(), runs.stream().map(r -> r.get(0)).toList(),
                runs.stream().map(r -> r.get(1)).toList(), 0, blockNanos, 1000, 0.95, seed);
    }

    @Test
    void shouldGiveTheSameIntervalsForTheSameSeed() {
        // given one repetition
        final List<List<List<Outcome>>> runs = List.of(run(i -> 500));
        // when
        final Bootstrap.Result first = intervals(runs, 2_000_000_000L, 7);
        final Bootstrap.Result again = intervals(runs, 2_000_000_000L, 7);
        // then
        assertThat(again).isEqualTo(first);
        assertThat(first.ttftP50DeltaMs().estimate()).isNegative();
        assertThat(first.costGainPct().low()).isLessThanOrEqualTo(first.costGainPct().estimate());
        assertThat(first.costGainPct().high()).isGreaterThanOrEqualTo(first.costGainPct().estimate());
    }

    @Test
    void shouldWidenTheIntervalWhenNeighbouringRequestsAreCorrelated() {
        // given cache hits that come in 4-second streaks (warm, then evicted), as real caches do
        final List<List<List<Outcome>>> runs = List.of(run(i -> (i / 40) % 2 == 0 ? 900 : 0));
        // when resampled request by request, then by 4-second blocks
        final Bootstrap.Result perRequest = intervals(runs, 1_000_000L, 7);
        final Bootstrap.Result perBlock = intervals(runs, 4_000_000_000L, 7);
        // then the blocks see the streaks, and the interval says so
        final double narrow = perRequest.costGainPct().high() - perRequest.costGainPct().low();
        final double wide = perBlock.costGainPct().high() - perBlock.costGainPct().low();
        assertThat(wide).isGreaterThan(1.5 * narrow);
        assertThat(perBlock.costGainPct().estimate()).isEqualTo(perRequest.costGainPct().estimate());
    }

    @Test
    void shouldFoldTheSpreadBetweenRepetitionsIntoTheInterval() {
        // given two repetitions, one in which the caches served 900 tokens a request and one in which they served 100
        final List<List<Outcome>> warm = run(i -> 900);
        final List<List<Outcome>> cold = run(i -> 100);
        final double warmGain = costs(warm.get(0), warm.get(1)).all().gainPct();
        final double coldGain = costs(cold.get(0), cold.get(1)).all().gainPct();
        // when
        final Bootstrap.Result both = intervals(List.of(warm, cold), 2_000_000_000L, 7);
        final Bootstrap.Result one = intervals(List.of(warm), 2_000_000_000L, 7);
        // then the estimate is their mean and the interval spans both, where one repetition alone claims far more precision
        // (warm managed caching makes managed cheaper, so BYOC gains less there)
        assertThat(coldGain - warmGain).isGreaterThan(50);
        assertThat(both.costGainPct().estimate()).isCloseTo((warmGain + coldGain) / 2, Offset.offset(1e-9));
        assertThat(both.costGainPct().low()).isLessThanOrEqualTo(warmGain);
        assertThat(both.costGainPct().high()).isGreaterThanOrEqualTo(coldGain);
        assertThat(one.costGainPct().high() - one.costGainPct().low()).isLessThan(both.costGainPct().high() - both.costGainPct().low());
    }

    @Test
    void shouldCompareEndToEndTimesAtTheCapturedOutputLength() {
        // given a managed reply that stopped after 11 of the 101 captured tokens, and a runtime that produced all 101
        final Outcome early = new Outcome(0, 0, 0, 200, ErrorClass.NONE, 100_000_000L, 200_000_000L, 11, new int[0], 1000, 11, 0, null, 1000,
                101, 0);
        final Outcome full = new Outcome(0, 0, 0, 200, ErrorClass.NONE, 100_000_000L, 1_100_000_000L, 101, new int[0], 1000, 101, 0, null, 1000,
                101, 0);
        // then both are judged at 101 tokens: 100 ms + 10 ms a token x 100
        assertThat(early.e2eAtTargetNanos()).isEqualTo(1_100_000_000L);
        assertThat(full.e2eAtTargetNanos()).isEqualTo(1_100_000_000L);
        final SideStats stats = SideStats.of("b", List.of(early), 0, new SideStats.Slo(null, 1000.0), 0, 1);
        assertThat(stats.sloAttainment()).isZero();
        assertThat(stats.completionTokens()).isEqualTo(11);
        assertThat(stats.requestedOutputTokens()).isEqualTo(101);
    }

    private static Outcome sent(final int index, final long intended, final long ttft, final long e2e, final int prompt, final int cached,
                                final int output) {
        return new Outcome(index, intended, 0, 200, ErrorClass.NONE, ttft, e2e, output, new int[0], prompt, output, cached, null, prompt,
                output, 0);
    }

    private static Outcome ok(final int index, final long lag, final long ttft, final long e2e, final int prompt, final int cached,
                              final int output) {
        return new Outcome(index, 0, lag, 200, ErrorClass.NONE, ttft, e2e, output, new int[0], prompt, output, cached, null, prompt, output, 0);
    }

}
