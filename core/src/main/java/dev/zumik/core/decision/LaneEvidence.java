package dev.zumik.core.decision;

import dev.zumik.core.cost.CostModel;
import java.util.Map;

/**
 * What the diagnosis knows about one lane over one evaluation period (the sum of its windows).
 *
 * @param reportedCachedTokens  provider-reported cached tokens, or null when the provider never reported any
 * @param simulatedHitTokens    prefix hit tokens by cache policy: {@code infinite}, {@code managed}, and one per BYOC profile
 * @param tokenShare            this lane's share of all lanes' tokens in the period
 * @param rank                  1 for the lane with the most tokens in the period
 * @param hotWindows            consecutive latest windows in which the lane was in the top two with at least the hot share
 * @param peakWindowPromptTokens     prompt tokens of the lane's busiest window (sizing is for sustained peaks)
 * @param peakWindowCompletionTokens completion tokens of that window
 */
public record LaneEvidence(String provider, String model, String route, long periodMillis, long windowMillis, long requests,
                           long promptTokens, long completionTokens, Long reportedCachedTokens, long reportedCacheWriteTokens,
                           long batchTierRequests, long errors, Double ttftP99Ms, Double e2eP99Ms, long promptP50,
                           Map<String, Long> simulatedHitTokens, double tokenShare, int rank, int hotWindows,
                           long peakWindowPromptTokens, long peakWindowCompletionTokens) {

    public String lane() {
        return provider + "/" + model + "/" + route;
    }

    public double hitRatio(final String policy) {
        return promptTokens == 0 ? 0 : simulatedHitTokens.getOrDefault(policy, 0L) / (double) promptTokens;
    }

    public double batchShare() {
        return requests == 0 ? 0 : (double) batchTierRequests / requests;
    }

    /** Periods per month ({@link dev.zumik.core.cost.CostModel#HOURS_PER_MONTH} hours, as BYOC is priced), to scale the period's cost. */
    public double monthsFactor() {
        return CostModel.HOURS_PER_MONTH * 3_600_000 / periodMillis;
    }
}
