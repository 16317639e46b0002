package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.sim.model.LatencyModel;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;
import org.assertj.core.data.Percentage;
import org.junit.jupiter.api.Test;

class LatencyModelTest {
    private static final LatencyModel H100 = new LatencyModel(12_000, 10, 18.6, 0.045, 128, 1, 0.05, new double[] {0, 215_000, 79_000});

    @Property
    void shouldTakeLongerToPrefillMoreUncachedTokens(@ForAll @LongRange(min = 0, max = 1_000_000) final long tokens,
                                                     @ForAll @LongRange(min = 1, max = 100_000) final long more,
                                                     @ForAll @DoubleRange(min = 0, max = 0.999) @Scale(3) final double u) {
        // given one jitter draw, so only the token count differs
        final long[] noHits = new long[3];
        // then
        assertThat(H100.prefillWorkNanos(tokens + more, noHits, u)).isGreaterThan(H100.prefillWorkNanos(tokens, noHits, u));
    }

    @Property
    void shouldDecodeSlowerInABiggerBatch(@ForAll @IntRange(min = 1, max = 500) final int batch,
                                          @ForAll @DoubleRange(min = 0, max = 0.999) @Scale(3) final double u) {
        assertThat(H100.stepNanos(batch + 1, u)).isGreaterThan(H100.stepNanos(batch, u));
    }

    @Test
    void shouldMatchTheAnchorsItWasFittedTo() {
        // given no jitter (the middle of the range)
        final double mid = 0.5;
        // when: NIM's 5,000-token prompt at concurrency 1, and ITL at 1 / 25 / 50 concurrent
        final double ttftMs = (H100.prefillWorkNanos(5000, new long[3], mid) + H100.overheadNanos(mid)) / 1e6;
        // then: within 10% of 407 ms, and of 18.6 / 38.8 / 59.7 ms
        assertThat(ttftMs).isBetween(407 * 0.9, 407 * 1.1);
        assertThat(H100.stepNanos(1, mid) / 1e6).isCloseTo(18.6, Percentage.withPercentage(1));
        assertThat(H100.stepNanos(25, mid) / 1e6).isCloseTo(38.8, Percentage.withPercentage(10));
        assertThat(H100.stepNanos(50, mid) / 1e6).isCloseTo(59.7, Percentage.withPercentage(10));
    }

    @Test
    void shouldChargeSlowerTiersForTheTokensTheyHold() {
        // given 100k reused tokens, held in HBM, host RAM or NVMe
        final double mid = 0.5;
        // when
        final long hbm = H100.prefillWorkNanos(0, new long[] {100_000, 0, 0}, mid);
        final long host = H100.prefillWorkNanos(0, new long[] {0, 100_000, 0}, mid);
        final long nvme = H100.prefillWorkNanos(0, new long[] {0, 0, 100_000}, mid);
        final long recompute = H100.prefillWorkNanos(100_000, new long[3], mid);
        // then: HBM is free, then host, then NVMe, all far cheaper than recomputing
        assertThat(hbm).isZero();
        assertThat(host).isGreaterThan(hbm).isLessThan(nvme);
        assertThat(nvme).isLessThan(recompute);
    }

    @Property
    void shouldKeepJitterWithinItsBounds(@ForAll @DoubleRange(min = 0, max = 0.999999) @Scale(6) final double u) {
        assertThat(H100.jitterFactor(u)).isBetween(0.95, 1.05);
    }

    @Test
    void shouldRefuseNonsense() {
        assertThatThrownBy(() -> new LatencyModel(0, 10, 18, 0, 1, 1, 0, null)).hasMessageContaining("prefill rate");
        assertThatThrownBy(() -> new LatencyModel(1, 10, 18, 0, 0, 1, 0, null)).hasMessageContaining("maxBatch");
        assertThatThrownBy(() -> new LatencyModel(1, 10, 18, 0, 1, 1, 1.5, null)).hasMessageContaining("jitter");
    }
}
