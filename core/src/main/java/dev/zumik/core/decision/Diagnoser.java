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
 * The decision rules of DESIGN.md, applied to one lane's evidence:
 * <ol>
 *   <li>no price for the model: STAY_MANAGED (NO_PRICE); a managed spend under the minimum: STAY_MANAGED (LOW_VOLUME);</li>
 *   <li>managed levers first, each with its estimated saving: PROMPT_CACHING when the provider captures less
 *       than the managed model says it could, or reuse lies beyond its retention; BATCH_TIER for
 *       non-interactive traffic not yet on it; ALIAS_ROUTING to the lane's declared cheaper model;</li>
 *   <li>reasons that can justify BYOC: LATENCY_SLO (a declared p99 the lane misses), CONCENTRATED_HOT_VOLUME
 *       (top-two lane, at least the hot share, sustained, with warm caches that hit), ISOLATION_REQUIRED (declared);</li>
 *   <li>REPLAY_CANDIDATE only with a reason and an estimated gain of at least the material threshold for the
 *       best profile; else USE_MANAGED_LEVERS when a lever saves something; else STAY_MANAGED, saying why
 *       (MANAGED_ALREADY_CAPTURES, LONG_PROMPTS_ALONE, NO_MATERIAL_GAIN, NO_BYOC_REASON). Long prompts alone never justify BYOC.</li>
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
        final List<String> reasons = new ArrayList<>();
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
            reasons.add("NO_PRICE");
            return new Diagnosis(Diagnosis.Decision.STAY_MANAGED, reasons, figures, levers, null, null);
        }
        final double managed = CostModel.managedMonthlyUsd(price.get(), e);
        figures.put("managed_monthly_usd", managed);
        if (managed < settings.minMonthlySpendUsd()) {
            reasons.add("LOW_VOLUME");
            return new Diagnosis(Diagnosis.Decision.STAY_MANAGED, reasons, figures, levers, null, null);
        }
        final LanePolicies.Policy policy = policies.forLane(e.lane());
        levers(e, price.get(), managed, capture, reuseLeft, policy, levers);

        // reasons that can justify BYOC
        final List<String> byocReasons = new ArrayList<>();
        if (policy.ttftP99SloMs() != null && e.ttftP99Ms() != null && e.ttftP99Ms() > policy.ttftP99SloMs()
                || policy.e2eP99SloMs() != null && e.e2eP99Ms() != null && e.e2eP99Ms() > policy.e2eP99SloMs()) {
            byocReasons.add("LATENCY_SLO");
        }
        CostModel.ByocCost best = null;
        for (final ByocProfile profile : profiles) {
            final CostModel.ByocCost cost = CostModel.byocMonthly(profile, e, prices);
            figures.put("byoc_monthly_usd." + profile.name(), cost.monthlyUsd());
            figures.put("byoc_replicas." + profile.name(), (double) cost.replicas());
            figures.put("gain_pct." + profile.name(), CostModel.gainPct(managed, cost.monthlyUsd()));
            if (best == null || cost.monthlyUsd() < best.monthlyUsd()) {
                best = cost;
            }
        }
        if (e.rank() <= 2 && e.tokenShare() >= settings.hotShare() && e.hotWindows() >= settings.hotWindowsRequired()
                && best != null && best.hitRatio() >= settings.warmHitRatio()) {
            byocReasons.add("CONCENTRATED_HOT_VOLUME");
        }
        if (policy.isolation() != null && !policy.isolation().isEmpty()) {
            byocReasons.add("ISOLATION_REQUIRED");
        }
        final Double gain = best == null ? null : CostModel.gainPct(managed, best.monthlyUsd());
        if (!byocReasons.isEmpty() && gain != null && gain >= settings.materialGainPct()) {
            reasons.addAll(byocReasons);
            return new Diagnosis(Diagnosis.Decision.REPLAY_CANDIDATE, reasons, figures, levers, gain, best.profile());
        }
        if (!byocReasons.isEmpty()) {
            reasons.addAll(byocReasons);
            reasons.add("NO_MATERIAL_GAIN");
        } else if (e.promptP50() >= settings.longPromptTokens()) {
            reasons.add("LONG_PROMPTS_ALONE");
        } else {
            reasons.add("NO_BYOC_REASON");
        }
        if (capture != null && capture >= settings.goodCaptureRatio() && reuseLeft < settings.reuseLeftRatio()) {
            reasons.add("MANAGED_ALREADY_CAPTURES");
        }
        if (!levers.isEmpty()) {
            return new Diagnosis(Diagnosis.Decision.USE_MANAGED_LEVERS, reasons, figures, levers, gain, best == null ? null : best.profile());
        }
        return new Diagnosis(Diagnosis.Decision.STAY_MANAGED, reasons, figures, levers, gain, best == null ? null : best.profile());
    }

    private void levers(final LaneEvidence e, final PriceTable.ManagedPrice price, final double managed, final Double capture,
                        final double reuseLeft, final LanePolicies.Policy policy, final List<Diagnosis.Lever> levers) {
        final double months = e.monthsFactor();
        final double cacheDiscount = price.input() - price.cachedInput();
        if (capture != null && capture < settings.goodCaptureRatio()) {
            final double missed = e.simulatedHitTokens().getOrDefault("managed", 0L) - e.reportedCachedTokens();
            final double saving = missed * cacheDiscount / 1e6 * months;
            if (saving > 0) {
                levers.add(new Diagnosis.Lever("PROMPT_CACHING", String.format(
                        "The provider reports %.0f%% of the cached tokens its own rules allow: keep the stable prefix (tools, system, "
                                + "examples) first and byte-identical, and set prompt_cache_key per conversation.", capture * 100),
                        saving, saving / managed * 100));
            }
        }
        if (reuseLeft >= settings.reuseLeftRatio()) {
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
