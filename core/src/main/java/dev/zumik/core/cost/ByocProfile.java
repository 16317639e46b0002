package dev.zumik.core.cost;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.zumik.core.config.YamlConfig;
import dev.zumik.core.decision.Isolation;
import dev.zumik.core.reuse.CachePolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-hosted ("BYOC") deployment to compare against the managed API: its runtime stack, which one
 * component owns replica selection, the endpoint a replay targets and its cached-token dialect, the
 * GPUs of one replica and their price, the model's KV bytes per token, the KV-cache hierarchy (HBM →
 * host RAM → NVMe → remote; capacities in tokens or bytes), throughput, headroom and fixed monthly
 * operations cost.
 *
 * @param replicaSelection components that pick the replica for a request in this stack's path; exactly
 *                         one may (e.g. the Dynamo KV router, or the Gateway API Inference Extension's
 *                         endpoint picker), or their decisions fight
 * @param capabilities     isolation capabilities the deployment offers, from the closed set of {@link Isolation}
 *                         (private-networking, region:NAME, runtime-confirmed-deletion); a lane's isolation
 *                         requirement holds only against a profile that declares it
 * @param scaling          {@code fixed} (default: the busiest hour's replicas run all month) or {@code hourly} (each hour of
 *                         the week runs the replicas its own peak needs, an autoscaler's best case)
 * @param scaleUpLeadMinutes under hourly scaling, how long before an hour its extra replicas must be up (model load,
 *                         warm-up); that part of the hour before is paid too. Default 15
 * @param deploy           how {@code zumik profile render} deploys it (runtime, page size, disaggregation), or null: not renderable
 */
public record ByocProfile(String name, String description, List<String> stack, List<String> replicaSelection, Endpoint endpoint,
                          Gpu gpu, Model model, List<Tier> tiers, Throughput throughput, double headroom, int minReplicas,
                          double opsMonthlyUsd, List<String> capabilities, String scaling, Double scaleUpLeadMinutes, Deploy deploy) {

    public static final String SCALING_FIXED = "fixed";
    public static final String SCALING_HOURLY = "hourly";

    public ByocProfile {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        scaling = scaling == null ? SCALING_FIXED : scaling;
        scaleUpLeadMinutes = scaleUpLeadMinutes == null ? 15.0 : scaleUpLeadMinutes;
    }

    /** Whether each hour runs its own replica count. */
    @JsonIgnore
    public boolean scalesHourly() {
        return SCALING_HOURLY.equals(scaling);
    }

    /** Where a replay sends requests, and which cached-token dialect answers (vllm, sglang, dynamo, openai). */
    public record Endpoint(String url, String dialect) { }

    /** GPUs per replica and their hourly price (or a name in the price table's gpus). */
    public record Gpu(String type, int perReplica, Double usdPerHour, String price) { }

    public record Model(String name, long kvBytesPerToken) { }

    /**
     * One cache tier of one replica: capacity in tokens, or in bytes (divided by the model's KV bytes per token), and
     * what runs it in the deployment ({@code runs}: e.g. gpu, hicache-host, mooncake-store, cpu-offload, disk-offload).
     */
    public record Tier(String name, Long capacityTokens, Long capacityBytes, String runs) { }

    /**
     * How the profile deploys: {@code runtime} dynamo-sglang (Dynamo's frontend and KV router over SGLang workers) or
     * kserve-vllm (a KServe LLMInferenceService of vLLM pods behind llm-d's endpoint picker); the KV page size in tokens;
     * whether prefill and decode run as separate workers (dynamo-sglang, with Mooncake transfer).
     */
    public record Deploy(String runtime, Integer pageSize, Boolean disaggregated) {
        public static final List<String> RUNTIMES = List.of("dynamo-sglang", "kserve-vllm");
    }

    /** One replica's prefill rate (prompt tokens/s) and aggregate decode rate (output tokens/s at load). */
    public record Throughput(double prefillTokensPerSecond, double decodeTokensPerSecond) { }

    public static ByocProfile read(final Path file) {
        return YamlConfig.read(file, ByocProfile.class).validate(file.toString());
    }

    /** A shipped profile: {@code dynamo} or {@code k8s-portable}. */
    public static ByocProfile shipped(final String name) {
        return YamlConfig.resource("/dev/zumik/core/defaults/profiles/" + name + ".yaml", ByocProfile.class).validate(name + ".yaml");
    }

    public static final List<String> SHIPPED = List.of("dynamo", "k8s-portable");

    /** Checks every field, naming the file, the field and the problem; applies the one-scheduler-owner rule. */
    public ByocProfile validate(final String file) {
        require(name != null && name.matches("[a-z0-9][a-z0-9._-]*"), file, "name", "must be lowercase letters, digits, '.', '_' or '-'");
        require(replicaSelection != null && !replicaSelection.isEmpty(), file, "replicaSelection",
                "must name the one component that owns replica selection");
        require(replicaSelection.size() == 1, file, "replicaSelection", "one scheduler must own replica selection per profile, but "
                + String.join(" and ", replicaSelection) + " would both pick replicas in one path");
        require(endpoint != null && endpoint.url() != null && endpoint.url().matches("https?://.+"), file, "endpoint.url", "must be an http(s) URL");
        require(endpoint.dialect() != null && List.of("vllm", "sglang", "dynamo", "openai").contains(endpoint.dialect()), file,
                "endpoint.dialect", "must be vllm, sglang, dynamo or openai");
        require(gpu != null && gpu.perReplica() >= 1, file, "gpu.perReplica", "must be >= 1");
        require(gpu.usdPerHour() != null ? gpu.usdPerHour() > 0 : gpu.price() != null, file, "gpu",
                "needs usdPerHour > 0, or price naming an entry of the price table's gpus");
        require(model != null && model.kvBytesPerToken() > 0, file, "model.kvBytesPerToken", "must be > 0");
        require(tiers != null && !tiers.isEmpty(), file, "tiers", "at least one cache tier (HBM) is required");
        for (int i = 0; i < tiers.size(); i++) {
            final Tier t = tiers.get(i);
            require(t.name() != null && !t.name().isBlank(), file, "tiers[" + i + "].name", "is required");
            require((t.capacityTokens() == null) != (t.capacityBytes() == null), file, "tiers[" + i + "]",
                    "give exactly one of capacityTokens and capacityBytes");
            require(capacityTokens(t) >= 1, file, "tiers[" + i + "]", "capacity must hold at least one token");
        }
        require(throughput != null && throughput.prefillTokensPerSecond() > 0 && throughput.decodeTokensPerSecond() > 0, file,
                "throughput", "prefillTokensPerSecond and decodeTokensPerSecond must be > 0");
        require(headroom >= 1, file, "headroom", "must be >= 1 (1.3 = 30% spare capacity)");
        require(minReplicas >= 1, file, "minReplicas", "must be >= 1");
        require(opsMonthlyUsd >= 0, file, "opsMonthlyUsd", "must be >= 0");
        require(SCALING_FIXED.equals(scaling) || SCALING_HOURLY.equals(scaling), file, "scaling", "must be fixed or hourly");
        require(scaleUpLeadMinutes >= 0 && scaleUpLeadMinutes <= 60, file, "scaleUpLeadMinutes", "must be between 0 and 60");
        if (deploy != null) {
            require(deploy.runtime() != null && Deploy.RUNTIMES.contains(deploy.runtime()), file, "deploy.runtime",
                    "must be one of " + String.join(", ", Deploy.RUNTIMES));
            require(deploy.pageSize() == null || deploy.pageSize() >= 1, file, "deploy.pageSize", "must be >= 1");
        }
        for (int i = 0; i < capabilities.size(); i++) {
            try {
                Isolation.check(capabilities.get(i));
            } catch (final IllegalArgumentException e) {
                require(false, file, "capabilities[" + i + "]", e.getMessage());
            }
        }
        return this;
    }

    private static void require(final boolean ok, final String file, final String field, final String problem) {
        if (!ok) {
            throw new IllegalArgumentException(file + ": " + field + ": " + problem);
        }
    }

    public long capacityTokens(final Tier tier) {
        return tier.capacityTokens() != null ? tier.capacityTokens() : tier.capacityBytes() / model.kvBytesPerToken();
    }

    /** The profile's cache hierarchy as a cache policy named after the profile (hits attributed per tier). */
    @JsonIgnore
    public CachePolicy cachePolicy() {
        final List<String> names = new ArrayList<>();
        final long[] capacities = new long[tiers.size()];
        for (int i = 0; i < tiers.size(); i++) {
            names.add(tiers.get(i).name());
            capacities[i] = capacityTokens(tiers.get(i));
        }
        return CachePolicy.tiered(name, names, capacities);
    }

    /** The GPU's hourly price: the profile's own, else the price table's entry it names. */
    public double gpuUsdPerHour(final PriceTable prices) {
        if (gpu.usdPerHour() != null) {
            return gpu.usdPerHour();
        }
        final PriceTable.GpuPrice price = prices.gpus() == null ? null : prices.gpus().get(gpu.price());
        if (price == null) {
            throw new IllegalArgumentException("profile " + name + ": gpu.price '" + gpu.price() + "' is not in the price table's gpus");
        }
        return price.usdPerHour();
    }
}
