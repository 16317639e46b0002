package dev.zumik.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.replay.client.ErrorClass;
import dev.zumik.replay.client.Outcome;
import dev.zumik.replay.verdict.Bootstrap;
import dev.zumik.replay.verdict.Percentiles;
import dev.zumik.replay.verdict.SideStats;
import java.util.ArrayList;
import java.util.List;
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

    @Test
    void shouldGiveTheSameIntervalsForTheSameSeed() {
        final List<Outcome> b = new ArrayList<>();
        final List<Outcome> c = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            b.add(ok(i, 0, (100 + i % 17) * 1_000_000L, 900_000_000L, 1000, 500, 10));
            c.add(ok(i, 0, (80 + i % 13) * 1_000_000L, 800_000_000L, 1000, 500, 10));
        }
        final var costs = new dev.zumik.replay.verdict.ReplayCosts(dev.zumik.core.cost.PriceTable.defaults().forModel("openai", "gpt-4.1").get(),
                dev.zumik.core.cost.ByocProfile.shipped("dynamo"), dev.zumik.core.cost.PriceTable.defaults(), "openai/gpt-4.1/chat", 0, 20_000,
                Workloads.sharedPrefix(Workloads.lane("openai", "gpt-4.1"), java.time.Instant.EPOCH, 200, 10, 512, 488, 10, 1), b, c);
        final Bootstrap.Result first = Bootstrap.run(costs, b, c, 0, 500, 0.95, 7);
        final Bootstrap.Result again = Bootstrap.run(costs, b, c, 0, 500, 0.95, 7);
        assertThat(again).isEqualTo(first);
        assertThat(first.ttftP50DeltaMs().estimate()).isNegative();
        assertThat(first.costGainPct().low()).isLessThanOrEqualTo(first.costGainPct().estimate());
        assertThat(first.costGainPct().high()).isGreaterThanOrEqualTo(first.costGainPct().estimate());
    }

    private static Outcome ok(final int index, final long lag, final long ttft, final long e2e, final int prompt, final int cached,
                              final int output) {
        return new Outcome(index, 0, lag, 200, ErrorClass.NONE, ttft, e2e, output, new int[0], prompt, output, cached, null, prompt, output, 0);
    }

}
