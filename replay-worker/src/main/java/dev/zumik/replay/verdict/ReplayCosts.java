package dev.zumik.replay.verdict;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.DemandCost;
import dev.zumik.core.cost.DemandProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.replay.client.Outcome;
import java.util.Arrays;
import java.util.List;

/**
 * Prices a month of the lane's captured demand ({@link DemandProfile}: every hour of the week it was
 * watched, idle hours included) on both sides with core's {@link DemandCost}; the replay supplies what
 * only a replay can measure: the managed baseline's capture and cache writes (used where production did
 * not report its own) and the candidate's capture, which sets how much prefill its replicas must size
 * for. Output is always the captured completion tokens, whatever length either side stopped at. A
 * failed request counts at its target prompt with nothing cached. Any subset of requests (with
 * multiplicities) can be measured, which is what the bootstrap resamples.
 */
public final class ReplayCosts {
    private final PriceTable.ManagedPrice price;
    private final ByocProfile profile;
    private final PriceTable prices;
    private final DemandProfile demand;
    private final long[] basePrompt;
    private final long[] baseCached;
    private final long[] baseWrites;
    private final long[] candPrompt;
    private final long[] candCached;

    /** Costs of one (re)sample: monthly USD and USD per 1M tokens each side, the gain, and the month's pricing in full. */
    public record Figures(double managedMonthlyUsd, double managedPerMillionUsd, DemandCost month, double byocPerMillionUsd, double gainPct,
                          long monthlyTokens) {

        public double byocMonthlyUsd() {
            return month.byocMonthlyUsd();
        }
    }

    public ReplayCosts(final PriceTable.ManagedPrice price, final ByocProfile profile, final PriceTable prices, final DemandProfile demand,
                       final List<Outcome> baseline, final List<Outcome> candidate) {
        this.price = price;
        this.profile = profile;
        this.prices = prices;
        this.demand = demand;
        final int n = baseline.size();
        basePrompt = new long[n];
        baseCached = new long[n];
        baseWrites = new long[n];
        candPrompt = new long[n];
        candCached = new long[n];
        for (int i = 0; i < n; i++) {
            final Outcome b = baseline.get(i);
            basePrompt[i] = prompt(b);
            baseCached[i] = b.ok() && b.cachedTokens() != null ? Math.min(b.cachedTokens(), basePrompt[i]) : 0;
            baseWrites[i] = b.ok() && b.cacheWriteTokens() != null ? b.cacheWriteTokens() : 0;
            final Outcome c = candidate.get(i);
            candPrompt[i] = prompt(c);
            candCached[i] = c.ok() && c.cachedTokens() != null ? Math.min(c.cachedTokens(), candPrompt[i]) : 0;
        }
    }

    private static long prompt(final Outcome o) {
        return o.ok() && o.promptTokens() != null ? o.promptTokens() : o.targetPromptTokens();
    }

    /** Every request once. */
    public Figures all() {
        return of(everyOnce(), price);
    }

    /** The managed monthly cost of every request at another price of the lane's model (its priority tier, say). */
    public double managedMonthlyUsdAt(final PriceTable.ManagedPrice other) {
        return of(everyOnce(), other).managedMonthlyUsd();
    }

    private int[] everyOnce() {
        final int[] weights = new int[basePrompt.length];
        Arrays.fill(weights, 1);
        return weights;
    }

    /** The requests with these multiplicities. */
    public Figures of(final int[] weights) {
        return of(weights, price);
    }

    private Figures of(final int[] weights, final PriceTable.ManagedPrice price) {
        long bPrompt = 0;
        long bCached = 0;
        long bWrites = 0;
        long cPrompt = 0;
        long cCached = 0;
        for (int i = 0; i < weights.length; i++) {
            final int w = weights[i];
            bPrompt += w * basePrompt[i];
            bCached += w * baseCached[i];
            bWrites += w * baseWrites[i];
            cPrompt += w * candPrompt[i];
            cCached += w * candCached[i];
        }
        final DemandCost month = DemandCost.price(demand, price, ratio(bCached, bPrompt), ratio(bWrites, bPrompt), profile,
                ratio(cCached, cPrompt), prices);
        return new Figures(month.managedMonthlyUsd(), perMillion(month.managedMonthlyUsd(), month.monthlyTokens()), month,
                perMillion(month.byocMonthlyUsd(), month.monthlyTokens()), month.gainPct(), month.monthlyTokens());
    }

    private static double ratio(final long part, final long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static double perMillion(final double monthlyUsd, final long monthlyTokens) {
        return monthlyTokens == 0 ? Double.NaN : monthlyUsd / monthlyTokens * 1e6;
    }
}
