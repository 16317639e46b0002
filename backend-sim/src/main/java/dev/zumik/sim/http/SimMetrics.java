package dev.zumik.sim.http;

import dev.zumik.core.cache.CacheLookup;
import dev.zumik.sim.model.SimFleet;
import dev.zumik.sim.profile.SimProfile;
import dev.zumik.sim.profile.WireDialect;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The simulator's Prometheus metrics: requests, tokens, cache hits by tier, concurrency, queue depth, TTFT. */
final class SimMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> faults = new ConcurrentHashMap<>();
    private final Counter promptTokens;
    private final Counter completionTokens;
    private final Counter cachedTokens;
    /** The runtime's own counters: prompt tokens queried, then hit tokens by tier (none for a managed API). */
    private final Counter[] runtime;
    private final Counter[] hitTokensByTier;
    private final DistributionSummary ttftMillis;
    final AtomicInteger open = new AtomicInteger();

    /** KV bytes per token of the shipped GPU profiles' model (Llama-3.3-70B in FP8: 163,840 B), for the byte gauges. */
    static final long KV_BYTES_PER_TOKEN = 163_840;

    private final SimFleet fleet;
    private final SimProfile profile;
    /** What the fleet's scheduler records per request, by its own names (none for a round-robin Service). */
    private final List<DistributionSummary> schedulerCached = new ArrayList<>();
    private final List<DistributionSummary> schedulerInput = new ArrayList<>();
    private final List<Timer> schedulerTtft = new ArrayList<>();
    private final List<Counter> schedulerRequests = new ArrayList<>();
    private DistributionSummary predictedHitRate;

    SimMetrics(final MeterRegistry registry, final SimFleet engine, final SimProfile profile) {
        this.fleet = engine;
        this.profile = profile;
        final WireDialect wire = profile.wire();
        this.registry = registry;
        promptTokens = Counter.builder("zumik_sim_prompt_tokens").description("Prompt tokens of planned requests").register(registry);
        completionTokens = Counter.builder("zumik_sim_completion_tokens").description("Output tokens sent").register(registry);
        cachedTokens = Counter.builder("zumik_sim_cached_tokens").description("Cached tokens reported to clients").register(registry);
        final String[] tiers = engine.tierNames();
        hitTokensByTier = new Counter[tiers.length];
        for (int i = 0; i < tiers.length; i++) {
            hitTokensByTier[i] = Counter.builder("zumik_sim_cache_hit_tokens").tag("tier", tiers[i])
                    .description("Prompt tokens reused from the KV cache, by the tier that held them").register(registry);
        }
        ttftMillis = DistributionSummary.builder("zumik_sim_ttft_ms").description("Time to first token as the simulator produced it")
                .publishPercentiles(0.5, 0.9, 0.99).register(registry);
        Gauge.builder("zumik_sim_concurrency", open, AtomicInteger::get).description("Requests in flight over HTTP").register(registry);
        Gauge.builder("zumik_sim_queue_depth", engine, SimFleet::waiting).description("Requests waiting for a batch slot").register(registry);
        Gauge.builder("zumik_sim_running", engine, SimFleet::running).description("Requests holding a batch slot").register(registry);
        Gauge.builder("zumik_sim_batch_size", engine, SimFleet::decoding).description("Requests decoding together").register(registry);
        schedulerMetrics(registry, engine);
        schedulerRequestMetrics(registry, engine, profile.models().isEmpty() ? "model" : profile.models().get(0));
        runtime = runtimeCounters(registry, wire, tiers);
        runtimeGauges(registry, wire, tiers.length);
    }

    /**
     * What a deletion drill reads besides the hit counters, by the runtimes' names: the running and queued
     * requests it waits to reach 0, the device cache's usage (0..1), and for the dynamo profile's Mooncake store
     * (HiCache's storage backend) the master's keys and bytes.
     */
    private void runtimeGauges(final MeterRegistry registry, final WireDialect wire, final int tiers) {
        switch (wire) {
            case VLLM -> {
                Gauge.builder("vllm:num_requests_running", fleet, SimFleet::running).description("Requests in the batch").register(registry);
                Gauge.builder("vllm:num_requests_waiting", fleet, SimFleet::waiting).description("Requests waiting").register(registry);
                Gauge.builder("vllm:kv_cache_usage_perc", this, m -> m.usage(0)).description("KV cache usage, 0..1").register(registry);
                Gauge.builder("vllm:gpu_cache_usage_perc", this, m -> m.usage(0)).description("Deprecated name of vllm:kv_cache_usage_perc")
                        .register(registry);
            }
            case SGLANG, DYNAMO -> {
                Gauge.builder("sglang:num_running_reqs", fleet, SimFleet::running).description("Running requests").register(registry);
                Gauge.builder("sglang:num_queue_reqs", fleet, SimFleet::waiting).description("Queued requests").register(registry);
                Gauge.builder("sglang:token_usage", this, m -> m.usage(0)).description("Token usage of the KV pool, 0..1").register(registry);
                if (wire == WireDialect.DYNAMO && tiers > RuntimeAdmin.STORAGE) {
                    Gauge.builder("master_key_count", fleet, f -> f.occupancy(RuntimeAdmin.STORAGE)).description("Keys in the Mooncake store")
                            .register(registry);
                    Gauge.builder("master_allocated_bytes", this, m -> m.bytes(RuntimeAdmin.STORAGE))
                            .description("Bytes allocated in the Mooncake store").register(registry);
                }
            }
            default -> { }
        }
    }

    /** The Mooncake master's remove_all count, when the profile has a Mooncake tier. */
    void adminCounters(final AtomicLong removeAll) {
        if (profile.wire() == WireDialect.DYNAMO && fleet.tierNames().length > RuntimeAdmin.STORAGE) {
            FunctionCounter.builder("master_remove_all_requests", removeAll, AtomicLong::get)
                    .description("remove_all requests to the Mooncake master").register(registry);
        }
    }

    /** A tier's fill, 0..1, over every replica. */
    private double usage(final int tier) {
        final long capacity = profile.cache().tiers().get(tier).capacityTokens() / profile.blockSize() * fleet.size();
        return capacity == 0 ? 0 : (double) fleet.occupancy(tier) / capacity;
    }

    private double bytes(final int tier) {
        return (double) fleet.occupancy(tier) * profile.blockSize() * KV_BYTES_PER_TOKEN;
    }

    /**
     * The runtime's own prefix-cache counters, by the names the runtime publishes, counting what the cache
     * served whatever the responses report: vLLM's {@code vllm:prefix_cache_queries} and
     * {@code vllm:prefix_cache_hits} (GPU) with {@code vllm:external_prefix_cache_hits} (offload tiers);
     * SGLang's (and Dynamo's workers', which re-export the engine's) {@code sglang:prompt_tokens} and
     * {@code sglang:cached_tokens} by {@code cache_source} (device, host, storage). Exposed with {@code _total}.
     * Managed APIs publish none.
     */
    private static Counter[] runtimeCounters(final MeterRegistry registry, final WireDialect wire, final String[] tiers) {
        switch (wire) {
            case VLLM -> {
                final Counter[] out = new Counter[1 + tiers.length];
                out[0] = Counter.builder("vllm:prefix_cache_queries").description("Prompt tokens queried against the prefix cache").register(registry);
                out[1] = Counter.builder("vllm:prefix_cache_hits").description("Prompt tokens found in the GPU prefix cache").register(registry);
                for (int i = 1; i < tiers.length; i++) {
                    out[1 + i] = Counter.builder("vllm:external_prefix_cache_hits").tag("tier", tiers[i])
                            .description("Prompt tokens found by the KV connector").register(registry);
                }
                return out;
            }
            case SGLANG, DYNAMO -> {
                final Counter[] out = new Counter[1 + tiers.length];
                out[0] = Counter.builder("sglang:prompt_tokens").description("Prompt tokens processed").register(registry);
                for (int i = 0; i < tiers.length; i++) {
                    out[1 + i] = Counter.builder("sglang:cached_tokens").tag("cache_source", i == 0 ? "device" : i == 1 ? "host" : "storage")
                            .tag("tier", tiers[i]).description("Prompt tokens served from the cache").register(registry);
                }
                return out;
            }
            default -> {
                return new Counter[0];
            }
        }
    }

    /**
     * The replica count as the fleet's scheduler exposes it: Dynamo's frontend reports per-worker gauges
     * (one {@code worker_id} each), the endpoint picker its pool's ready pods (GIE and llm-d names); a
     * round-robin Service reports nothing.
     */
    private static void schedulerMetrics(final MeterRegistry registry, final SimFleet fleet) {
        switch (fleet.scheduler()) {
            case KV_ROUTER -> {
                for (int i = 0; i < fleet.size(); i++) {
                    final int replica = i;
                    Gauge.builder("dynamo_frontend_worker_active_decode_blocks", fleet, f -> f.activeBlocks(replica))
                            .tag("worker_id", Integer.toString(i)).description("Active KV blocks of each worker, as the router counts them")
                            .register(registry);
                }
            }
            case EPP -> {
                Gauge.builder("inference_pool_ready_pods", fleet, SimFleet::size).description("Ready pods of the inference pool").register(registry);
                Gauge.builder("llm_d_epp_ready_endpoints", fleet, SimFleet::size).description("Ready endpoints of the pool").register(registry);
            }
            default -> { }
        }
    }

    /**
     * Per-request figures as the scheduler in front of the replicas publishes them (docs/SIMULATOR.md, metrics): Dynamo's
     * frontend {@code dynamo_frontend_cached_tokens}, {@code dynamo_frontend_input_sequence_tokens},
     * {@code dynamo_frontend_kv_hit_rate} (predicted at routing) and {@code dynamo_frontend_time_to_first_token_seconds};
     * the endpoint picker's GIE names {@code inference_objective_prompt_cached_tokens}, {@code inference_objective_input_tokens},
     * {@code inference_objective_request_total} and {@code inference_objective_request_ttft_seconds} with llm-d's
     * dual-emitted {@code llm_d_epp_request_cached_tokens} and {@code llm_d_epp_request_ttft_seconds}. They count what
     * the engines reported, so they are not the runtime's own cache counters; the pool gauges are what the picker scrapes.
     */
    private void schedulerRequestMetrics(final MeterRegistry registry, final SimFleet fleet, final String model) {
        switch (fleet.scheduler()) {
            case KV_ROUTER -> {
                final String[] tags = {"model", model};
                schedulerCached.add(histogram(registry, "dynamo_frontend_cached_tokens", "Cached tokens of each request", tags));
                schedulerInput.add(histogram(registry, "dynamo_frontend_input_sequence_tokens", "Prompt tokens of each request", tags));
                schedulerTtft.add(ttftHistogram(registry, "dynamo_frontend_time_to_first_token", tags));
                schedulerRequests.add(Counter.builder("dynamo_frontend_requests").tags(tags).description("Requests the frontend served")
                        .register(registry));
                predictedHitRate = DistributionSummary.builder("dynamo_frontend_kv_hit_rate").tags(tags)
                        .description("Share of each request's prompt the KV router predicted cached on the worker it picked, 0..1")
                        .serviceLevelObjectives(0.1, 0.25, 0.5, 0.75, 0.9, 1.0).register(registry);
            }
            case EPP -> {
                final String[] tags = {"model_name", model, "target_model_name", model};
                schedulerCached.add(histogram(registry, "inference_objective_prompt_cached_tokens", "Cached prompt tokens of each request", tags));
                schedulerCached.add(histogram(registry, "llm_d_epp_request_cached_tokens", "Cached prompt tokens of each request", tags));
                schedulerInput.add(histogram(registry, "inference_objective_input_tokens", "Prompt tokens of each request", tags));
                schedulerTtft.add(ttftHistogram(registry, "inference_objective_request_ttft", tags));
                schedulerTtft.add(ttftHistogram(registry, "llm_d_epp_request_ttft", tags));
                schedulerRequests.add(Counter.builder("inference_objective_request").tags(tags).description("Requests the picker scheduled")
                        .register(registry));
                final String[] pool = {"name", "sim-pool"};
                Gauge.builder("inference_pool_average_kv_cache_utilization", this, m -> m.usage(0)).tags(pool)
                        .description("Mean KV-cache utilization of the pool's pods").register(registry);
                Gauge.builder("inference_pool_average_queue_size", fleet, f -> (double) f.waiting() / f.size()).tags(pool)
                        .description("Mean queue size of the pool's pods").register(registry);
                Gauge.builder("llm_d_epp_average_kv_cache_utilization", this, m -> m.usage(0)).tags(pool)
                        .description("Mean KV-cache utilization of the pool's endpoints").register(registry);
                Gauge.builder("llm_d_epp_average_queue_size", fleet, f -> (double) f.waiting() / f.size()).tags(pool)
                        .description("Mean queue size of the pool's endpoints").register(registry);
            }
            default -> { }
        }
    }

    private static DistributionSummary histogram(final MeterRegistry registry, final String name, final String description, final String[] tags) {
        return DistributionSummary.builder(name).tags(tags).description(description)
                .serviceLevelObjectives(1, 64, 256, 1024, 4096, 16_384, 65_536, 262_144).register(registry);
    }

    /** A TTFT histogram in seconds (Micrometer appends {@code _seconds} to a timer's name). */
    private static Timer ttftHistogram(final MeterRegistry registry, final String name, final String[] tags) {
        return Timer.builder(name).tags(tags).description("Time to first token of each request")
                .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofSeconds(5), Duration.ofSeconds(10)).register(registry);
    }

    void request(final String endpoint, final int status) {
        requests.computeIfAbsent(endpoint + ' ' + status, k -> Counter.builder("zumik_sim_requests").tag("endpoint", endpoint)
                .tag("status", Integer.toString(status)).description("Requests answered, by endpoint and status").register(registry)).increment();
    }

    void fault(final String kind) {
        faults.computeIfAbsent(kind, k -> Counter.builder("zumik_sim_faults").tag("kind", k).description("Injected faults")
                .register(registry)).increment();
    }

    void planned(final long prompt, final CacheLookup cache) {
        promptTokens.increment(prompt);
        if (runtime.length > 0) {
            runtime[0].increment(prompt);
            for (int i = 0; i < cache.hitTokensByTier().length && 1 + i < runtime.length; i++) {
                runtime[1 + i].increment(cache.hitTokensByTier()[i]);
            }
        }
        cachedTokens.increment(cache.reportedCachedTokens());
        schedulerCached.forEach(h -> h.record(cache.reportedCachedTokens()));
        schedulerInput.forEach(h -> h.record(prompt));
        schedulerRequests.forEach(Counter::increment);
        if (predictedHitRate != null && prompt > 0) {
            predictedHitRate.record(Math.min(1.0, (double) Arrays.stream(cache.hitTokensByTier()).sum() / prompt));
        }
        for (int i = 0; i < hitTokensByTier.length && i < cache.hitTokensByTier().length; i++) {
            hitTokensByTier[i].increment(cache.hitTokensByTier()[i]);
        }
    }

    void completed(final long tokens) {
        completionTokens.increment(tokens);
    }

    void ttft(final double millis) {
        ttftMillis.record(millis);
        schedulerTtft.forEach(t -> t.record(Duration.ofNanos(Math.round(millis * 1e6))));
    }
}
