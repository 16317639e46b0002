package dev.zumik.core.decision;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.CostModel;
import dev.zumik.core.cost.PriceTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The decision rules of docs/METRICS.md, applied to one lane's evidence, in this order:
 * <ol>
 *   <li>no price for the model: STAY_MANAGED [NO_PRICE]; managed spend under the minimum: STAY_MANAGED [LOW_VOLUME];</li>
 *   <li>managed levers, each with its estimated saving (PROMPT_CACHING, BATCH_TIER, ALIAS_ROUTING; PRIORITY_TIER
 *       with its premium for a lane that misses its SLO);</li>
 *   <li>the stay-put gate: managed capture at least the capture threshold and incremental reuse (the best
 *       profile's hit ratio minus the managed model's) under the reuse threshold is STAY_MANAGED
 *       [MANAGED_ALREADY_CAPTURES], whatever else holds, unless the lane declares an isolation requirement;</li>
 *   <li>the three reasons, each with its own estimate: LATENCY_SLO (a declared p99 the lane misses, and no
 *       cheaper managed priority tier to try first) and ISOLATION_REQUIRED (declared, offered by a profile) need
 *       the estimated cost within the accepted premium; CONCENTRATED_HOT_VOLUME (a top-two lane with the hot share,
 *       sustained, at least the hot spend, with incremental reuse at least the reuse threshold) needs an estimated
 *       gain of at least the material threshold;</li>
 *   <li>REPLAY_CANDIDATE with the reasons whose estimate holds; else USE_MANAGED_LEVERS when a lever saves
 *       something, else STAY_MANAGED, saying why. Long prompts alone never justify BYOC.</li>
 * </ol>
 */
public final class Diagnoser {
    private final PriceTable prices;
    private final List<ByocProfile> profiles;
    private final LanePolicies policies;
    private final DecisionSettings settings;

    public Diagnoser(final PriceTable prices, final List<ByocProfile> profiles, final LanePolicies policies, final DecisionSettings settings) {
        this.prices = prices;
        this.profiles = List.copyOf(profiles);
        this.policies = policies;
        this.settings = settings;
    }

    public Diagnosis diagnose(final LaneEvidence e) {
        final Map<String, Double> figures = new LinkedHashMap<>();
        final List<ReasonCode> reasons = new ArrayList<>();
        final List<Diagnosis.Lever> levers = new ArrayList<>();
        figures.put("requests", (double) e.requests());
        figures.put("prompt_tokens", (double) e.promptTokens());
        figures.put("completion_tokens", (double) e.completionTokens());
        figures.put("token_share", e.tokenShare());
        figures.put("hot_windows", (double) e.hotWindows());
        e.simulatedHitTokens().keySet().forEach(policy -> figures.put("hit_ratio." + policy, e.hitRatio(policy)));
        final double managedModel = e.simulatedHitTokens().getOrDefault("managed", 0L);
        final Double capture = e.reportedCachedTokens() == null || managedModel == 0 ? null : e.reportedCachedTokens() / managedModel;
        if (capture != null) {
            figures.put("managed_capture_ratio", capture);
        }
        final double reuseLeft = e.hitRatio("infinite") - e.hitRatio("managed");
        figures.put("reuse_left_ratio", reuseLeft);
        if (e.ttftP99Ms() != null) {
            figures.put("ttft_p99_ms", e.ttftP99Ms());
        }
        final Optional<PriceTable.ManagedPrice> price = prices.forModel(e.provider(), e.model());
        if (price.isEmpty()) {
            return new Diagnosis(Diagnosis.Decision.STAY_MANAGED, List.of(ReasonCode.NO_PRICE), figures, levers, null, null);
        }
        final double managed = CostModel.managedMonthlyUsd(price.get(), e);
        figures.put("managed_monthly_usd", managed);
        if (managed < settings.minMonthlySpendUsd()) {
            return new Diagnosis(Diagnosis.Decision.STAY_MANAGED, List.of(ReasonCode.LOW_VOLUME), figures, levers, null, null);
        }
        final LanePolicies.Policy policy = policies.forLane(e.lane());
        levers(e, price.get(), managed, capture, reuseLeft, policy, levers);

        // every profile priced; the candidate is the cheapest one offering the lane's isolation requirements
        CostModel.ByocCost cheapest = null;
        CostModel.ByocCost cheapestIsolated = null;
        double bestHitRatio = 0;
        for (final ByocProfile profile : profiles) {
            final CostModel.ByocCost cost = CostModel.byocMonthly(profile, e, prices);
            figures.put("byoc_monthly_usd." + profile.name(), cost.monthlyUsd());
            figures.put("byoc_replicas." + profile.name(), (double) cost.replicas());
            figures.put("gain_pct." + profile.name(), CostModel.gainPct(managed, cost.monthlyUsd()));
            bestHitRatio = Math.max(bestHitRatio, cost.hitRatio());
            if (cheapest == null || cost.monthlyUsd() < cheapest.monthlyUsd()) {
                cheapest = cost;
            }
            if (Isolation.missing(policy.isolation(), profile.capabilities()).isEmpty()
                    && (cheapestIsolated == null || cost.monthlyUsd() < cheapestIsolated.monthlyUsd())) {
                cheapestIsolated = cost;
            }
        }
        final double incrementalReuse = bestHitRatio - e.hitRatio("managed");
        figures.put("incremental_reuse_ratio", incrementalReuse);
        final boolean isolationDeclared = !policy.isolation().isEmpty();

        // the stay-put gate
        if (capture != null && capture >= settings.captureRatio() && incrementalReuse < settings.incrementalReuseRatio() && !isolationDeclared) {
            return new Diagnosis(Diagnosis.Decision.STAY_MANAGED, List.of(ReasonCode.MANAGED_ALREADY_CAPTURES), figures, levers,
                    cheapest == null ? null : CostModel.gainPct(managed, cheapest.monthlyUsd()), cheapest == null ? null : cheapest.profile());
        }

        final CostModel.ByocCost candidate = isolationDeclared && cheapestIsolated != null ? cheapestIsolated : cheapest;
        final Double gain = candidate == null ? null : CostModel.gainPct(managed, candidate.monthlyUsd());
        final double premium = policy.acceptedPremiumPct(settings);
        final boolean withinPremium = gain != null && gain >= -premium;
        final List<ReasonCode> holding = new ArrayList<>();
        final List<ReasonCode> failing = new ArrayList<>();

        if (missesSlo(policy, e)) {
            final Optional<PriceTable.ManagedPrice> priority = price.get().atPriority();
            final double priorityMonthly = priority.map(p -> CostModel.managedMonthlyUsd(p, e)).orElse(Double.NaN);
            if (priority.isPresent()) {
                figures.put("priority_monthly_usd", priorityMonthly);
                levers.add(new Diagnosis.Lever("PRIORITY_TIER", String.format(
                        "The lane misses its declared latency objective: the provider's priority tier costs %.0f%% more than today, "
                                + "and is the managed answer to an SLO.", (priorityMonthly - managed) / managed * 100),
                        managed - priorityMonthly, (managed - priorityMonthly) / managed * 100));
            }
            if (priority.isPresent() && !Boolean.TRUE.equals(policy.priorityTierTried())
                    && (candidate == null || priorityMonthly <= candidate.monthlyUsd())) {
                failing.add(ReasonCode.LATENCY_SLO);
                failing.add(ReasonCode.PRIORITY_TIER_FIRST);
            } else {
                judge(ReasonCode.LATENCY_SLO, withinPremium, ReasonCode.PREMIUM_EXCEEDED, holding, failing);
            }
        }
        if (e.rank() <= 2 && e.tokenShare() >= settings.hotShare() && e.hotWindows() >= settings.hotWindows()
                && managed >= settings.hotMinMonthlySpendUsd() && incrementalReuse >= settings.incrementalReuseRatio()) {
            judge(ReasonCode.CONCENTRATED_HOT_VOLUME, gain != null && gain >= settings.materialGainPct(), ReasonCode.NO_MATERIAL_GAIN,
                    holding, failing);
        }
        if (isolationDeclared) {
            if (cheapestIsolated == null) {
                failing.add(ReasonCode.ISOLATION_REQUIRED);
                failing.add(ReasonCode.ISOLATION_NOT_OFFERED);
            } else {
                judge(ReasonCode.ISOLATION_REQUIRED, withinPremium, ReasonCode.PREMIUM_EXCEEDED, holding, failing);
            }
        }
        final String profile = candidate == null ? null : candidate.profile();
        if (!holding.isEmpty()) {
            return new Diagnosis(Diagnosis.Decision.REPLAY_CANDIDATE, holding, figures, levers, gain, profile);
        }
        if (!failing.isEmpty()) {
            failing.stream().distinct().forEach(reasons::add);
        } else if (e.promptP50() >= settings.longPromptTokens()) {
            reasons.add(ReasonCode.LONG_PROMPTS_ALONE);
        } else {
            reasons.add(ReasonCode.NO_BYOC_REASON);
        }
        final boolean saves = levers.stream().anyMatch(l -> l.estimatedMonthlySavingsUsd() > 0) || failing.contains(ReasonCode.PRIORITY_TIER_FIRST);
        return new Diagnosis(saves ? Diagnosis.Decision.USE_MANAGED_LEVERS : Diagnosis.Decision.STAY_MANAGED, reasons, figures, levers, gain,
                profile);
    }

    /** A reason whose estimate holds goes to {@code holding}; else it goes to {@code failing} with the code saying why. */
    private static void judge(final ReasonCode reason, final boolean holds, final ReasonCode whyNot, final List<ReasonCode> holding,
                              final List<ReasonCode> failing) {
        if (holds) {
            holding.add(reason);
        } else {
            failing.add(reason);
            failing.add(whyNot);
        }
    }

    private static boolean missesSlo(final LanePolicies.Policy policy, final LaneEvidence e) {
        return policy.ttftP99SloMs() != null && e.ttftP99Ms() != null && e.ttftP99Ms() > policy.ttftP99SloMs()
                || policy.e2eP99SloMs() != null && e.e2eP99Ms() != null && e.e2eP99Ms() > policy.e2eP99SloMs();
    }

    private void levers(final LaneEvidence e, final PriceTable.ManagedPrice price, final double managed, final Double capture,
                        final double reuseLeft, final LanePolicies.Policy policy, final List<Diagnosis.Lever> levers) {
        final double months = e.monthsFactor();
        final double cacheDiscount = price.input() - price.cachedInput();
        if (capture != null && capture < settings.captureRatio()) {
            final double missed = e.simulatedHitTokens().getOrDefault("managed", 0L) - e.reportedCachedTokens();
            final double saving = missed * cacheDiscount / 1e6 * months;
            if (saving > 0) {
                levers.add(new Diagnosis.Lever("PROMPT_CACHING", String.format(
                        "The provider reports %.0f%% of the cached tokens its own rules allow: keep the stable prefix (tools, system, "
                                + "examples) first and byte-identical, and set prompt_cache_key per conversation.", capture * 100),
                        saving, saving / managed * 100));
            }
        }
        if (reuseLeft >= settings.incrementalReuseRatio()) {
            final double saving = reuseLeft * e.promptTokens() * cacheDiscount / 1e6 * months;
            if (saving > 0) {
                levers.add(new Diagnosis.Lever("PROMPT_CACHING", String.format(
                        "%.0f%% of prompt tokens repeat beyond the managed cache's minimum or retention: longer retention "
                                + "(e.g. prompt_cache_retention 24h, or a 1h cache_control TTL) or fewer, longer shared prefixes would capture them.",
                        reuseLeft * 100), saving, saving / managed * 100));
            }
        }
        if (Boolean.FALSE.equals(policy.interactive()) && e.batchShare() < 0.9) {
            final double saving = managed * price.batchDiscount() * (1 - e.batchShare()) / (1 - price.batchDiscount() * e.batchShare());
            levers.add(new Diagnosis.Lever("BATCH_TIER", String.format(
                    "The lane is declared non-interactive but sends %.0f%% of requests on the batch tier: the batch API is %.0f%% off.",
                    e.batchShare() * 100, price.batchDiscount() * 100), saving, saving / managed * 100));
        }
        if (policy.aliasTo() != null) {
            prices.forModel(e.provider(), policy.aliasTo()).ifPresent(alias -> {
                final double aliasCost = CostModel.managedMonthlyUsd(alias, e);
                if (aliasCost < managed) {
                    levers.add(new Diagnosis.Lever("ALIAS_ROUTING", "Route this lane to " + policy.aliasTo()
                            + ", declared acceptable for it.", managed - aliasCost, (managed - aliasCost) / managed * 100));
                }
            });
        }
    }
}
