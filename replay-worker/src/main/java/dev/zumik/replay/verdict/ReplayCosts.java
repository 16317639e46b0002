package dev.zumik.replay.verdict;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.CostModel;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.LaneEvidence;
import dev.zumik.replay.client.Outcome;
import dev.zumik.schemas.avro.RequestShape;
import java.util.List;
import java.util.Map;

/**
 * Prices the replayed window on both sides with core's {@link CostModel}, from what each side reported:
 * managed from the baseline's prompt, cached and cache-write tokens and the captured output tokens (the
 * output the lane really produced, whatever length either side stopped at) at the lane's managed
 * price (batch-tier share as captured); BYOC, at the same captured output, sized for the window's busiest sizing interval with the
 * candidate's measured capture as its hit ratio. A failed request is priced at its target sizes with
 * nothing cached. Volumes scale to a month at the window's captured rate. Any subset of requests
 * (with multiplicities) can be priced, which is what the bootstrap resamples.
 */
public final class ReplayCosts {
    private final PriceTable.ManagedPrice price;
    private final ByocProfile profile;
    private final PriceTable prices;
    private final String[] lane;
    private final long windowMillis;
    private final long sizingMillis;
    private final int buckets;
    private final long[] basePrompt;
    private final long[] baseCached;
    private final long[] baseWrites;
    private final long[] baseOutput;
    private final long[] candPrompt;
    private final long[] candCached;
    private final long[] candOutput;
    private final boolean[] batch;
    private final int[] bucket;

    /** Costs of one (re)sample: monthly USD and USD per 1M tokens each side, and the gain. */
    public record Figures(double managedMonthlyUsd, double managedPerMillionUsd, CostModel.ByocCost byoc, double byocPerMillionUsd,
                          double gainPct, long monthlyTokens) { }

    public ReplayCosts(final PriceTable.ManagedPrice price, final ByocProfile profile, final PriceTable prices, final String laneKey,
                       final long fromMillis, final long toMillis, final List<RequestShape> shapes, final List<Outcome> baseline,
                       final List<Outcome> candidate) {
        this.price = price;
        this.profile = profile;
        this.prices = prices;
        this.lane = laneKey.split("/", 3);
        this.windowMillis = Math.max(1, toMillis - fromMillis);
        this.sizingMillis = Math.min(60_000, windowMillis);
        this.buckets = (int) ((windowMillis + sizingMillis - 1) / sizingMillis);
        final int n = shapes.size();
        basePrompt = new long[n];
        baseCached = new long[n];
        baseWrites = new long[n];
        baseOutput = new long[n];
        candPrompt = new long[n];
        candCached = new long[n];
        candOutput = new long[n];
        batch = new boolean[n];
        bucket = new int[n];
        for (int i = 0; i < n; i++) {
            final RequestShape shape = shapes.get(i);
            batch[i] = "batch".equals(shape.getServiceTier());
            bucket[i] = (int) Math.min(buckets - 1, Math.max(0, (shape.getArrivalTime().toEpochMilli() - fromMillis) / sizingMillis));
            final Outcome b = baseline.get(i);
            basePrompt[i] = prompt(b);
            baseCached[i] = b.ok() && b.cachedTokens() != null ? Math.min(b.cachedTokens(), basePrompt[i]) : 0;
            baseWrites[i] = b.ok() && b.cacheWriteTokens() != null ? b.cacheWriteTokens() : 0;
            baseOutput[i] = b.targetOutputTokens();
            final Outcome c = candidate.get(i);
            candPrompt[i] = prompt(c);
            candCached[i] = c.ok() && c.cachedTokens() != null ? Math.min(c.cachedTokens(), candPrompt[i]) : 0;
            candOutput[i] = c.targetOutputTokens();
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
        java.util.Arrays.fill(weights, 1);
        return weights;
    }

    /** The requests with these multiplicities. */
    public Figures of(final int[] weights) {
        return of(weights, price);
    }

    private Figures of(final int[] weights, final PriceTable.ManagedPrice price) {
        long requests = 0;
        long bPrompt = 0;
        long bCached = 0;
        long bWrites = 0;
        long bOut = 0;
        long batchRequests = 0;
        long cPrompt = 0;
        long cCached = 0;
        long cOut = 0;
        final long[] peakPrompt = new long[buckets];
        final long[] peakOutput = new long[buckets];
        for (int i = 0; i < weights.length; i++) {
            final int w = weights[i];
            if (w == 0) {
                continue;
            }
            requests += w;
            bPrompt += w * basePrompt[i];
            bCached += w * baseCached[i];
            bWrites += w * baseWrites[i];
            bOut += w * baseOutput[i];
            batchRequests += batch[i] ? w : 0;
            cPrompt += w * candPrompt[i];
            cCached += w * candCached[i];
            cOut += w * candOutput[i];
            peakPrompt[bucket[i]] += w * candPrompt[i];
            peakOutput[bucket[i]] += w * candOutput[i];
        }
        int peak = 0;
        for (int b = 1; b < buckets; b++) {
            if (peakPrompt[b] + peakOutput[b] > peakPrompt[peak] + peakOutput[peak]) {
                peak = b;
            }
        }
        final LaneEvidence managed = new LaneEvidence(lane[0], lane[1], lane[2], windowMillis, sizingMillis, requests, bPrompt, bOut,
                bCached, bWrites, batchRequests, 0, null, null, 0, Map.of(), 0, 0, 0, 0, 0);
        final LaneEvidence byoc = new LaneEvidence(lane[0], lane[1], lane[2], windowMillis, sizingMillis, requests, cPrompt, cOut,
                null, 0, 0, 0, null, null, 0, Map.of(profile.name(), cCached), 0, 0, 0, peakPrompt[peak], peakOutput[peak]);
        final double managedMonthly = CostModel.managedMonthlyUsd(price, managed);
        final CostModel.ByocCost byocCost = CostModel.byocMonthly(profile, byoc, prices);
        final long monthlyTokens = Math.round((bPrompt + bOut) * managed.monthsFactor());
        return new Figures(managedMonthly, perMillion(managedMonthly, monthlyTokens), byocCost, perMillion(byocCost.monthlyUsd(),
                monthlyTokens), CostModel.gainPct(managedMonthly, byocCost.monthlyUsd()), monthlyTokens);
    }

    private static double perMillion(final double monthlyUsd, final long monthlyTokens) {
        return monthlyTokens == 0 ? Double.NaN : monthlyUsd / monthlyTokens * 1e6;
    }
}
