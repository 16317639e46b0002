package dev.zumik.core.cost;

import java.util.ArrayList;
import java.util.List;

/**
 * A month of a lane's demand profile priced on both sides, over one month length ({@link
 * CostModel#HOURS_PER_MONTH} hours) for both:
 * <pre>
 * managed = 730 × weighted mean over observed hours of the week of that hour's mean cost, where an hour's cost is
 *           [ (prompt − cached) × input + cached × cachedInput + cacheWrites × cacheWrite + output × outputPrice ] / 1e6
 *           × (1 − batchDiscount × batchShare) at the captured output tokens
 * BYOC    = 730 × weighted mean of the replicas paid in each hour × GPUs per replica × GPU $/h + operations, where an hour needs
 *           max(minReplicas, ceil(headroom × (peak prompt tokens/s × (1 − candidate hit ratio) / prefill rate
 *                                             + peak output tokens/s / decode rate)))
 *           and pays: under scaling {@code fixed} the busiest hour's need in every hour; under {@code hourly} its own need,
 *           plus the next hour's extra replicas for the scale-up lead time
 * </pre>
 * An hour of the week observed for h hours weighs min(1, h): below one full week only the hours seen are
 * priced, extrapolated. Cached and cache-write tokens are the provider's reports when every captured
 * request had one, else the capture the replay measured on the managed baseline.
 */
public record DemandCost(double managedMonthlyUsd, double byocMonthlyUsd, long monthlyTokens, double managedCapture, boolean captureReported,
                         double candidateHitRatio, String scaling, int peakReplicas, double gpuHoursPerMonth, double busyGpuHoursPerMonth,
                         List<Hour> hours) {

    /** One observed hour of the week: hours observed, mean requests and tokens per occurrence, and the replicas it needs and pays. */
    public record Hour(int hourOfWeek, double hoursObserved, double requests, double promptTokens, double cachedTokens, double outputTokens,
                       double peakPromptPerSecond, double peakOutputPerSecond, int replicasNeeded, double replicasPaid, double managedUsd) { }

    /**
     * @param measuredCapture     the managed baseline's replayed capture (cached / prompt), used when the capture did not report it
     * @param measuredWriteRatio  the managed baseline's replayed cache writes / prompt, likewise
     * @param candidateHitRatio   the candidate's replayed capture, which lowers the prefill it must size for
     */
    public static DemandCost price(final DemandProfile demand, final PriceTable.ManagedPrice price, final double measuredCapture,
                                   final double measuredWriteRatio, final ByocProfile profile, final double candidateHitRatio,
                                   final PriceTable prices) {
        final double[] observed = demand.hoursObserved();
        final boolean reported = demand.cacheFullyReported();
        final int[] need = new int[DemandProfile.HOURS_PER_WEEK];
        int peak = profile.minReplicas();
        for (int h = 0; h < need.length; h++) {
            if (observed[h] > 0) {
                final DemandProfile.Slot s = demand.slot(h);
                final double utilization = s.peakPromptPerSecond() * (1 - candidateHitRatio) / profile.throughput().prefillTokensPerSecond()
                        + s.peakOutputPerSecond() / profile.throughput().decodeTokensPerSecond();
                need[h] = Math.max(profile.minReplicas(), (int) Math.ceil(utilization * profile.headroom() - 1e-9));
                peak = Math.max(peak, need[h]);
            }
        }
        final boolean hourly = profile.scalesHourly();
        final double lead = profile.scaleUpLeadMinutes() / 60.0;
        final List<Hour> hours = new ArrayList<>();
        double weights = 0;
        double managed = 0;
        double tokens = 0;
        double replicaHours = 0;
        double busyReplicaHours = 0;
        for (int h = 0; h < need.length; h++) {
            if (observed[h] <= 0) {
                continue;
            }
            final DemandProfile.Slot s = demand.slot(h);
            final double n = observed[h];
            final double cached = reported ? s.cachedTokens() : s.promptTokens() * measuredCapture;
            final double writes = reported ? s.cacheWriteTokens() : s.promptTokens() * measuredWriteRatio;
            final double batchShare = s.requests() == 0 ? 0 : (double) s.batchRequests() / s.requests();
            final double cost = ((s.promptTokens() - cached) * price.input() + cached * price.cachedInput() + writes * price.cacheWrite()
                    + s.outputTokens() * price.output()) / 1e6 * (1 - price.batchDiscount() * batchShare) / n;
            final int next = (h + 1) % need.length;
            final int needed = hourly ? need[h] : peak;
            final double paid = hourly && observed[next] > 0 && need[next] > need[h] ? need[h] + (need[next] - need[h]) * lead : needed;
            // replica-hours that serve the hour's mean load; the rest of what is paid is idle
            final double busy = Math.min(paid, (s.promptTokens() * (1 - candidateHitRatio) / profile.throughput().prefillTokensPerSecond()
                    + s.outputTokens() / profile.throughput().decodeTokensPerSecond()) / n / 3600);
            final double w = Math.min(1, n);
            weights += w;
            managed += w * cost;
            tokens += w * (s.promptTokens() + s.outputTokens()) / n;
            replicaHours += w * paid;
            busyReplicaHours += w * busy;
            hours.add(new Hour(h, n, s.requests() / n, s.promptTokens() / n, cached / n, s.outputTokens() / n, s.peakPromptPerSecond(),
                    s.peakOutputPerSecond(), needed, paid, cost));
        }
        final double month = CostModel.HOURS_PER_MONTH / weights;
        final int gpus = profile.gpu().perReplica();
        final double gpuHours = replicaHours * month * gpus;
        final double byoc = gpuHours * profile.gpuUsdPerHour(prices) + profile.opsMonthlyUsd();
        final double capture = reported ? (double) demand.total().cachedTokens() / Math.max(1, demand.total().promptTokens()) : measuredCapture;
        return new DemandCost(managed * month, byoc, Math.round(tokens * month), capture, reported, candidateHitRatio,
                hourly ? ByocProfile.SCALING_HOURLY : ByocProfile.SCALING_FIXED, peak, gpuHours, busyReplicaHours * month * gpus,
                List.copyOf(hours));
    }

    /** The replicas priced for [from, to): the most any hour of the week it touches needs (the busiest hour's when none was observed). */
    public int pricedReplicasFor(final long fromMillis, final long toMillis) {
        int most = 0;
        for (final int h : DemandProfile.hoursOfWeekIn(fromMillis, toMillis)) {
            for (final Hour hour : hours) {
                if (hour.hourOfWeek() == h) {
                    most = Math.max(most, hour.replicasNeeded());
                }
            }
        }
        return most == 0 ? peakReplicas : most;
    }

    /** GPU hours paid but not serving the mean load, per month. */
    public double idleGpuHoursPerMonth() {
        return gpuHoursPerMonth - busyGpuHoursPerMonth;
    }

    /** (managed − BYOC) / managed, in percent. */
    public double gainPct() {
        return CostModel.gainPct(managedMonthlyUsd, byocMonthlyUsd);
    }
}
