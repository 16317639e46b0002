package dev.zumik.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.DayOfWeek;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class DemandCostTest {
    private static final long MONDAY = Instant.parse("2026-11-30T00:00:00Z").toEpochMilli();
    private static final long HOUR = DemandProfile.HOUR_MILLIS;
    private static final PriceTable PRICES = PriceTable.defaults();
    private static final PriceTable.ManagedPrice GPT_41 = PRICES.forModel("openai", "gpt-4.1").orElseThrow();

    /** Each busy hour: 36,000 requests of 2,000 prompt tokens (half of them reported cached) and 100 output tokens, at 20k prompt tok/s. */
    private static DemandProfile week(final IntPredicate busy) {
        final Map<Integer, DemandProfile.Slot> slots = new HashMap<>();
        for (int h = 0; h < 168; h++) {
            if (busy.test(h)) {
                slots.put(h, new DemandProfile.Slot(36_000, 72_000_000, 36_000_000, 0, 36_000, 3_600_000, 0, 20_000, 1_000));
            }
        }
        return new DemandProfile(MONDAY, MONDAY + 168 * HOUR, slots);
    }

    private static ByocProfile scaling(final String scaling, final double lead) {
        final ByocProfile p = ByocProfile.shipped("dynamo");
        return new ByocProfile(p.name(), p.description(), p.stack(), p.replicaSelection(), p.endpoint(), p.gpu(), p.model(), p.tiers(),
                p.throughput(), p.headroom(), p.minReplicas(), p.opsMonthlyUsd(), p.capabilities(), scaling, lead, p.deploy());
    }

    @Test
    void shouldPlaceHoursOfTheWeekInUtcFromMonday() {
        assertThat(DemandProfile.hourOfWeek(MONDAY)).isZero();
        assertThat(DemandProfile.hourOfWeek(0)).as("1970-01-01 00:00 was a Thursday").isEqualTo(72);
        assertThat(DemandProfile.hourOfWeek(MONDAY + 167 * HOUR + 59 * 60_000)).isEqualTo(167);
        assertThat(DemandProfile.hoursOfWeekIn(MONDAY + HOUR / 2, MONDAY + 2 * HOUR + 1)).containsExactly(0, 1, 2);
    }

    @Test
    void shouldSayWhatTheHorizonCovers() {
        final DemandProfile twentySeconds = new DemandProfile(MONDAY, MONDAY + 20_000, Map.of());
        assertThat(twentySeconds.hoursCaptured()).isCloseTo(20 / 3600.0, within(1e-9));
        assertThat(twentySeconds.fullWeek()).isFalse();
        assertThat(twentySeconds.daysOfWeekSeen()).containsExactly(DayOfWeek.MONDAY);
        assertThat(week(h -> true).fullWeek()).isTrue();
        assertThat(new DemandProfile(MONDAY + HOUR / 2, MONDAY + 168 * HOUR + HOUR / 2, Map.of()).fullWeek())
                .as("a week that starts and ends mid-hour").isTrue();
        assertThat(new DemandProfile(MONDAY, MONDAY + 144 * HOUR, Map.of()).fullWeek()).as("six days").isFalse();
    }

    @Test
    void shouldTakeTheBusiestMinuteAsThePeakAndAMinuteCutByTheHorizonAsShort() {
        // given 100 requests in the first 10 s of a minute, priced over those 10 s alone
        final DemandProfile.Builder b = new DemandProfile.Builder();
        for (int i = 0; i < 100; i++) {
            b.addRequest(MONDAY + i * 100L, 2_000, 1_000L, 0, 50, i % 4 == 0);
        }
        final DemandProfile p = b.build(MONDAY, MONDAY + 10_000);
        // then the peak is the 10 s rate, not a minute's average, and the totals are all there
        assertThat(p.slot(0).peakPromptPerSecond()).isEqualTo(20_000);
        assertThat(p.slot(0).requests()).isEqualTo(100);
        assertThat(p.slot(0).batchRequests()).isEqualTo(25);
        assertThat(p.cacheFullyReported()).isTrue();
    }

    @Test
    void shouldPriceASteadyWeekAsAMonthOfItsHours() {
        // given the same busy hour all week
        final DemandCost cost = DemandCost.price(week(h -> true), GPT_41, 0, 0, scaling("fixed", 0), 0.5, PRICES);
        // then managed is 730 such hours at the reported cache hits
        final double hour = (36_000_000 * GPT_41.input() + 36_000_000 * GPT_41.cachedInput() + 3_600_000 * GPT_41.output()) / 1e6;
        assertThat(cost.managedMonthlyUsd()).isCloseTo(730 * hour, within(0.01));
        assertThat(cost.captureReported()).isTrue();
        assertThat(cost.managedCapture()).isEqualTo(0.5);
        // and BYOC runs what the peak needs, 730 hours: ceil(1.3 x (20,000 x 0.5 / 12,000 + 1,000 / 4,205)) = 2 replicas
        assertThat(cost.peakReplicas()).isEqualTo(2);
        assertThat(cost.gpuHoursPerMonth()).isCloseTo(2 * 2 * 730, within(1e-6));
        assertThat(cost.byocMonthlyUsd()).isCloseTo(2 * 2 * 730 * ByocProfile.shipped("dynamo").gpuUsdPerHour(PRICES) + 6000, within(0.01));
    }

    @Test
    void shouldPayIdleGpuHoursOfABurstyLaneThatWindowTimesMonthNeverSees() {
        // given a lane busy one hour a day whose peak needs ceil(1.3 x (20,000 / 12,000 + 1,000 / 4,205)) = 3 replicas
        final DemandProfile bursty = week(h -> h % 24 == 14);
        final ByocProfile fixed = scaling("fixed", 0);
        final DemandCost fixedCost = DemandCost.price(bursty, GPT_41, 0, 0, fixed, 0, PRICES);
        final DemandCost hourlyCost = DemandCost.price(bursty, GPT_41, 0, 0, scaling("hourly", 30), 0, PRICES);
        final DemandCost steady = DemandCost.price(week(h -> true), GPT_41, 0, 0, fixed, 0, PRICES);
        // then managed pays for one hour in 24, fixed BYOC for its peak all month, mostly idle
        assertThat(fixedCost.managedMonthlyUsd()).isCloseTo(steady.managedMonthlyUsd() / 24, within(0.01));
        assertThat(fixedCost.peakReplicas()).isEqualTo(3);
        assertThat(fixedCost.byocMonthlyUsd()).isEqualTo(steady.byocMonthlyUsd());
        assertThat(fixedCost.idleGpuHoursPerMonth()).isGreaterThan(0.9 * fixedCost.gpuHoursPerMonth());
        assertThat(steady.gainPct()).isGreaterThan(fixedCost.gainPct());
        // and hourly scaling pays minReplicas in quiet hours, the peak in the busy one and half of the extra in the hour before
        final double replicaHoursPerWeek = 7 * (22 * 2 + (2 + 1 * 0.5) + 3);
        assertThat(hourlyCost.gpuHoursPerMonth()).isCloseTo(replicaHoursPerWeek / 168 * 730 * 2, within(1e-6));
        assertThat(hourlyCost.pricedReplicasFor(MONDAY + 14 * HOUR, MONDAY + 14 * HOUR + 10_000)).isEqualTo(3);
        assertThat(hourlyCost.pricedReplicasFor(MONDAY + 3 * HOUR, MONDAY + 3 * HOUR + 10_000)).isEqualTo(2);
        assertThat(fixedCost.pricedReplicasFor(MONDAY + 3 * HOUR, MONDAY + 3 * HOUR + 10_000)).isEqualTo(3);
    }

    @Test
    void shouldUseTheReplayedCaptureWhereTheCaptureReportedNone() {
        // given the same week with no cache reports
        final Map<Integer, DemandProfile.Slot> slots = new HashMap<>();
        for (int h = 0; h < 168; h++) {
            slots.put(h, new DemandProfile.Slot(36_000, 72_000_000, 0, 0, 0, 3_600_000, 0, 20_000, 1_000));
        }
        final DemandProfile unreported = new DemandProfile(MONDAY, MONDAY + 168 * HOUR, slots);
        // when priced with a replayed managed capture of one half
        final DemandCost cost = DemandCost.price(unreported, GPT_41, 0.5, 0, scaling("fixed", 0), 0.5, PRICES);
        // then it costs what the reported week costs
        assertThat(cost.captureReported()).isFalse();
        assertThat(cost.managedMonthlyUsd()).isCloseTo(DemandCost.price(week(h -> true), GPT_41, 0, 0, scaling("fixed", 0), 0.5, PRICES)
                .managedMonthlyUsd(), within(0.01));
    }

    @Test
    void shouldExtrapolateAPartialHorizonFromTheHoursItSaw() {
        // given 20 s of traffic at the busy hour's rate
        final DemandProfile.Builder b = new DemandProfile.Builder();
        for (int i = 0; i < 200; i++) {
            b.addRequest(MONDAY + i * 100L, 2_000, 1_000L, 0, 100, false);
        }
        final DemandCost partial = DemandCost.price(b.build(MONDAY, MONDAY + 20_000), GPT_41, 0, 0, scaling("fixed", 0), 0.5, PRICES);
        final DemandCost steady = DemandCost.price(week(h -> true), GPT_41, 0, 0, scaling("fixed", 0), 0.5, PRICES);
        // then a month of it is a month of the steady week
        assertThat(partial.managedMonthlyUsd()).isCloseTo(steady.managedMonthlyUsd(), within(steady.managedMonthlyUsd() * 1e-6));
        assertThat(partial.hours()).singleElement().satisfies(h -> assertThat(h.hoursObserved()).isCloseTo(20 / 3600.0, within(1e-9)));
    }
}
