package dev.zumik.sim.profile;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.zumik.core.tokens.Tokenizers;
import dev.zumik.core.cache.BlockKvCache;
import dev.zumik.core.cache.KvCache;
import dev.zumik.sim.model.LatencyModel;
import dev.zumik.core.cache.ManagedKvCache;
import java.util.List;
import java.util.Map;

/**
 * Everything that makes one simulated backend behave like a given provider or runtime. The shipped
 * profiles are YAML files under {@code dev/zumik/sim/profiles/} in this module's resources; a user's
 * {@code --config} file overrides any field of the chosen one.
 *
 * @param models     served model names; a request for another gets the runtime's 404
 * @param tokenizer  how text prompts are counted (token-id prompts are counted exactly)
 * @param blockSize  tokens per hashed KV block (vLLM's default 16; managed caches use their increment)
 * @param seed       seeds every random draw (jitter, output lengths, faults, generated text)
 */
public record SimProfile(String name, String description, WireDialect wire, List<String> models, String tokenizer, int blockSize,
                         Cache cache, Latency latency, Output output, Faults faults, long seed) {

    /** The prefix cache: {@code kind} gpu (LRU tiers in series) or managed (minimum, increment, idle TTL). */
    public record Cache(String kind, List<Tier> tiers, int minTokens, int incrementTokens, double ttlSeconds, boolean explicitOnly) { }

    /** One tier of a GPU cache; reusing its tokens costs tokens / loadTokensPerSecond (0 for HBM). */
    public record Tier(String name, long capacityTokens, double loadTokensPerSecond) { }

    /** See {@link LatencyModel}. */
    public record Latency(double prefillTokensPerSecond, double overheadMillis, double itlMillis, double batchSlowdown, int maxBatch,
                          int prefillLanes, double jitter) { }

    /**
     * Output lengths: without {@code ignore_eos} a request stops at a seeded natural length (exponential
     * with mean {@code naturalTokens}), bounded by max_tokens and at least min_tokens.
     */
    public record Output(int naturalTokens, int contextTokens) { }

    /**
     * Injected faults, each drawn per request: error statuses with their rates, latency spikes added to
     * the first token, streams dropped mid-way, and a slow first byte; {@code cachedReportScale} scales the
     * cached tokens the responses report (1: as the cache served them; 0.5: a runtime that under-reports
     * by half), while the runtime's own counters keep the true figure; {@code ignoredResets} names the cache
     * tiers whose resets answer success and do nothing (a flush that silently fails, for deletion drills).
     */
    public record Faults(Map<Integer, Double> errorRates, double spikeRate, double spikeMillis, double dropRate,
                         double slowFirstByteRate, double slowFirstByteMillis, Double cachedReportScale, List<String> ignoredResets) {

        public Faults {
            cachedReportScale = cachedReportScale == null ? 1.0 : cachedReportScale;
            ignoredResets = ignoredResets == null ? List.of() : List.copyOf(ignoredResets);
        }

        public Faults(final Map<Integer, Double> errorRates, final double spikeRate, final double spikeMillis, final double dropRate,
                      final double slowFirstByteRate, final double slowFirstByteMillis) {
            this(errorRates, spikeRate, spikeMillis, dropRate, slowFirstByteRate, slowFirstByteMillis, 1.0, List.of());
        }

        public Faults(final Map<Integer, Double> errorRates, final double spikeRate, final double spikeMillis, final double dropRate,
                      final double slowFirstByteRate, final double slowFirstByteMillis, final Double cachedReportScale) {
            this(errorRates, spikeRate, spikeMillis, dropRate, slowFirstByteRate, slowFirstByteMillis, cachedReportScale, List.of());
        }

        /** These faults, with these tiers' resets answering success and doing nothing. */
        public Faults withIgnoredResets(final List<String> tiers) {
            return new Faults(errorRates, spikeRate, spikeMillis, dropRate, slowFirstByteRate, slowFirstByteMillis, cachedReportScale, tiers);
        }
    }

    /** This profile with other faults, validated. */
    public SimProfile withFaults(final Faults newFaults) {
        return new SimProfile(name, description, wire, models, tokenizer, blockSize, cache, latency, output, newFaults, seed).validate();
    }

    /** This profile with another cache and block size, validated. */
    public SimProfile withCache(final Cache newCache, final int newBlockSize) {
        return new SimProfile(name, description, wire, models, tokenizer, newBlockSize, newCache, latency, output, faults, seed).validate();
    }

    /** This profile with another latency model, validated. */
    public SimProfile withLatency(final Latency newLatency) {
        return new SimProfile(name, description, wire, models, tokenizer, blockSize, cache, newLatency, output, faults, seed).validate();
    }

    /** This profile with another seed of its random choices, validated. */
    public SimProfile withSeed(final long newSeed) {
        return new SimProfile(name, description, wire, models, tokenizer, blockSize, cache, latency, output, faults, newSeed).validate();
    }

    /** Checks every field, naming the first that is wrong. */
    public SimProfile validate() {
        require(name != null && !name.isBlank(), "name is required");
        require(wire != null, "wire is required (openai, anthropic, vllm, sglang or dynamo)");
        require(models != null && !models.isEmpty(), "models must name at least one model");
        require(blockSize >= 1, "blockSize must be >= 1");
        try {
            Tokenizers.byName(tokenizer == null ? "" : tokenizer);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("profile " + name + ": " + e.getMessage());
        }
        require(cache != null && latency != null && output != null && faults != null, "cache, latency, output and faults are required");
        kvCache();
        latencyModel();
        require(output.naturalTokens() >= 1 && output.contextTokens() >= 1, "output.naturalTokens and output.contextTokens must be >= 1");
        final Map<Integer, Double> rates = faults.errorRates() == null ? Map.of() : faults.errorRates();
        double sum = 0;
        for (final Map.Entry<Integer, Double> e : rates.entrySet()) {
            require(e.getKey() >= 400 && e.getKey() <= 599, "faults.errorRates: " + e.getKey() + " is not an error status");
            require(e.getValue() >= 0 && e.getValue() <= 1, "faults.errorRates: rates are in [0, 1]");
            sum += e.getValue();
        }
        require(sum <= 1, "faults.errorRates add up to more than 1");
        for (final double rate : new double[] {faults.spikeRate(), faults.dropRate(), faults.slowFirstByteRate()}) {
            require(rate >= 0 && rate <= 1, "faults: rates are in [0, 1]");
        }
        require(faults.spikeMillis() >= 0 && faults.slowFirstByteMillis() >= 0, "faults: durations must be >= 0");
        return this;
    }

    /** A fresh cache as this profile defines it. */
    public KvCache kvCache() {
        switch (cache.kind() == null ? "" : cache.kind()) {
            case "gpu" -> {
                require(cache.tiers() != null && !cache.tiers().isEmpty(), "cache.tiers: a gpu cache needs at least one tier");
                final String[] names = new String[cache.tiers().size()];
                final long[] capacities = new long[names.length];
                for (int i = 0; i < names.length; i++) {
                    final Tier tier = cache.tiers().get(i);
                    require(tier.capacityTokens() >= blockSize, "cache.tiers[" + i + "].capacityTokens must hold at least one block");
                    names[i] = tier.name() == null ? "tier" + i : tier.name();
                    capacities[i] = tier.capacityTokens();
                }
                return BlockKvCache.tiered(names, capacities, blockSize);
            }
            case "managed" -> {
                require(cache.ttlSeconds() > 0, "cache.ttlSeconds must be > 0");
                require(cache.minTokens() >= 0 && cache.incrementTokens() >= 1, "cache.minTokens >= 0 and cache.incrementTokens >= 1");
                return new ManagedKvCache(Math.round(cache.ttlSeconds() * 1000), cache.minTokens(), cache.incrementTokens(), cache.explicitOnly());
            }
            default -> throw new IllegalArgumentException("profile " + name + ": cache.kind must be gpu or managed, got " + cache.kind());
        }
    }

    /** The latency model, with each GPU tier's load rate. */
    public LatencyModel latencyModel() {
        final List<Tier> tiers = "gpu".equals(cache.kind()) && cache.tiers() != null ? cache.tiers() : List.of();
        final double[] loads = new double[tiers.size()];
        for (int i = 0; i < loads.length; i++) {
            loads[i] = tiers.get(i).loadTokensPerSecond();
        }
        try {
            return new LatencyModel(latency.prefillTokensPerSecond(), latency.overheadMillis(), latency.itlMillis(), latency.batchSlowdown(),
                    latency.maxBatch(), latency.prefillLanes(), latency.jitter(), loads);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("profile " + name + ": " + e.getMessage(), e);
        }
    }

    /** The model requests get when they name none (and the first in /v1/models). */
    @JsonIgnore
    public String defaultModel() {
        return models.get(0);
    }

    private void require(final boolean ok, final String message) {
        if (!ok) {
            throw new IllegalArgumentException("profile " + name + ": " + message);
        }
    }
}
