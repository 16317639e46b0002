package dev.zumik.byoc.render;

import dev.zumik.core.cost.ByocProfile;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The profile's cache tiers as what really runs them in its runtime: tier 0 is the GPU; then, for dynamo-sglang,
 * SGLang's HiCache host pool and its Mooncake storage backend; for kserve-vllm, KServe's KV offloading to CPU and to
 * disk. A tier the runtime does not have is refused, naming it and what the runtime does have.
 */
record TierPlan(long gpuTokens, Optional<Long> hostBytes, Optional<Long> storageBytes) {
    static final Map<String, List<String>> RUNS = Map.of(
            "dynamo-sglang", List.of("gpu", "hicache-host", "mooncake-store"),
            "kserve-vllm", List.of("gpu", "cpu-offload", "disk-offload"));

    static TierPlan of(final ByocProfile profile) {
        final String runtime = profile.deploy().runtime();
        final List<String> allowed = RUNS.get(runtime);
        final List<ByocProfile.Tier> tiers = profile.tiers();
        if (tiers.size() > allowed.size()) {
            throw new IllegalArgumentException(profile.name() + ": tiers: " + runtime + " runs at most " + allowed.size() + " tiers ("
                    + String.join(" -> ", allowed) + "), the profile has " + tiers.size());
        }
        for (int i = 0; i < tiers.size(); i++) {
            final String runs = tiers.get(i).runs() == null ? (i == 0 ? "gpu" : "") : tiers.get(i).runs();
            if (!runs.equals(allowed.get(i))) {
                throw new IllegalArgumentException(profile.name() + ": tiers[" + i + "] (" + tiers.get(i).name() + ") runs '" + runs
                        + "', which is not a tier " + runtime + " has at that level (it runs " + String.join(" -> ", allowed) + ")" + hint(runtime, runs));
            }
        }
        return new TierPlan(profile.capacityTokens(tiers.get(0)), bytes(profile, tiers, 1), bytes(profile, tiers, 2));
    }

    /** A tier's capacity in bytes, as the profile states it (tokens times the model's KV bytes per token otherwise). */
    private static Optional<Long> bytes(final ByocProfile profile, final List<ByocProfile.Tier> tiers, final int index) {
        if (tiers.size() <= index) {
            return Optional.empty();
        }
        final ByocProfile.Tier t = tiers.get(index);
        return Optional.of(t.capacityBytes() != null ? t.capacityBytes() : t.capacityTokens() * profile.model().kvBytesPerToken());
    }

    private static String hint(final String runtime, final String runs) {
        if (runs.startsWith("lmcache") && "dynamo-sglang".equals(runtime)) {
            return ": LMCache is Dynamo's integration for its vLLM backend, and SGLang's LMCache mode replaces HiCache rather than stacking on it";
        }
        if (runs.startsWith("mooncake") && "kserve-vllm".equals(runtime)) {
            return ": KServe offloads vLLM's KV cache to CPU and then to a filesystem (kvCacheOffloading)";
        }
        return "";
    }
}
