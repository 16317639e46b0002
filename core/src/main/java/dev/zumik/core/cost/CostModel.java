package dev.zumik.core.cost;

import dev.zumik.core.decision.LaneEvidence;

/**
 * Monthly cost of a lane, managed against BYOC, with the formulas the reports name:
 * <pre>
 * managed = [ (prompt − cached) × input + cached × cachedInput + cacheWrites × cacheWrite + output × outputPrice ] / 1e6
 *           × (1 − batchDiscount × batchShare) × periods per month
 * BYOC    = replicas × GPUs per replica × GPU $/h × 730 h + operations per month, where
 *           replicas = max(minReplicas, ceil(headroom × (peak prefill demand / prefill rate + peak decode demand / decode rate)))
 *           and peak prefill demand = busiest window's prompt tokens × (1 − the profile's simulated hit ratio) / window seconds
 * </pre>
 * Cached tokens are the provider's report when there is one, else the managed model's simulation.
 */
public final class CostModel {
    public static final double HOURS_PER_MONTH = 730;

    private CostModel() { }

    /** The managed monthly cost at these prices. */
    public static double managedMonthlyUsd(final PriceTable.ManagedPrice price, final LaneEvidence e) {
        final long cached = Math.min(e.promptTokens(), cachedTokens(e));
        final double perPeriod = ((e.promptTokens() - cached) * price.input() + cached * price.cachedInput()
                + e.reportedCacheWriteTokens() * price.cacheWrite() + e.completionTokens() * price.output()) / 1e6
                * (1 - price.batchDiscount() * e.batchShare());
        return perPeriod * e.monthsFactor();
    }

    /** Cached tokens as reported, else as the managed model simulates them. */
    public static long cachedTokens(final LaneEvidence e) {
        return e.reportedCachedTokens() != null ? e.reportedCachedTokens() : e.simulatedHitTokens().getOrDefault("managed", 0L);
    }

    /** One BYOC sizing and its monthly cost. */
    public record ByocCost(String profile, double hitRatio, double utilization, int replicas, int gpus, double monthlyUsd) { }

    public static ByocCost byocMonthly(final ByocProfile profile, final LaneEvidence e, final PriceTable prices) {
        final double hitRatio = e.hitRatio(profile.name());
        final double windowSeconds = e.windowMillis() / 1000.0;
        final double prefillDemand = e.peakWindowPromptTokens() * (1 - hitRatio) / windowSeconds;
        final double decodeDemand = e.peakWindowCompletionTokens() / windowSeconds;
        final double utilization = prefillDemand / profile.throughput().prefillTokensPerSecond()
                + decodeDemand / profile.throughput().decodeTokensPerSecond();
        final int replicas = Math.max(profile.minReplicas(), (int) Math.ceil(utilization * profile.headroom()));
        final int gpus = replicas * profile.gpu().perReplica();
        final double monthly = gpus * profile.gpuUsdPerHour(prices) * HOURS_PER_MONTH + profile.opsMonthlyUsd();
        return new ByocCost(profile.name(), hitRatio, utilization, replicas, gpus, monthly);
    }

    /** (managed − BYOC) / managed, in percent. */
    public static double gainPct(final double managedMonthly, final double byocMonthly) {
        return managedMonthly <= 0 ? Double.NEGATIVE_INFINITY : (managedMonthly - byocMonthly) / managedMonthly * 100;
    }
}
