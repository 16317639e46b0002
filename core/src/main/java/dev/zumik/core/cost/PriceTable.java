package dev.zumik.core.cost;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.zumik.core.config.YamlConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Managed API prices by {@code provider/model} and GPU prices by name, in USD, dated and sourced.
 * The shipped default ({@code defaults/prices.yaml}) comes from public list prices, each row dated with its source (docs/SOURCES.md); users
 * override it with their own file (their negotiated prices).
 */
public record PriceTable(String asOf, String source, Map<String, ManagedPrice> managed, Map<String, GpuPrice> gpus) {

    /**
     * Prices per 1M tokens; {@code batchDiscount} is the fraction taken off a batch-tier request;
     * {@code minCacheTokens}, {@code cacheIncrementTokens} and {@code cacheTtlSeconds} are the
     * provider's prompt-caching rules for this model; {@code priority}, where the provider sells one, is
     * its priority (or provisioned) tier: the managed answer to a latency objective, offered before BYOC.
     */
    public record ManagedPrice(double input, double cachedInput, double cacheWrite, double output, double batchDiscount,
                               int minCacheTokens, int cacheIncrementTokens, double cacheTtlSeconds, String source, Priority priority) {

        /** This model at its priority tier's prices (no batch discount: a priority request is not a batch one), or empty. */
        public Optional<ManagedPrice> atPriority() {
            return priority == null ? Optional.empty() : Optional.of(new ManagedPrice(priority.input(), priority.cachedInput(), cacheWrite,
                    priority.output(), 0, minCacheTokens, cacheIncrementTokens, cacheTtlSeconds, priority.source(), null));
        }
    }

    /** A priority or provisioned tier's prices per 1M tokens. */
    public record Priority(double input, double cachedInput, double output, String source) { }

    public record GpuPrice(double usdPerHour, String source) { }

    public static PriceTable defaults() {
        return YamlConfig.resource("/dev/zumik/core/defaults/prices.yaml", PriceTable.class).validate("defaults/prices.yaml");
    }

    public static PriceTable read(final Path file) {
        return YamlConfig.read(file, PriceTable.class).validate(file.toString());
    }

    /** The price of a lane's model: {@code provider/model}, else {@code provider/*}. */
    @JsonIgnore
    public Optional<ManagedPrice> forModel(final String provider, final String model) {
        final ManagedPrice exact = managed.get(provider + "/" + model);
        return Optional.ofNullable(exact != null ? exact : managed.get(provider + "/*"));
    }

    PriceTable validate(final String file) {
        if (managed == null || managed.isEmpty()) {
            throw new IllegalArgumentException(file + ": managed: at least one model price is required");
        }
        managed.forEach((model, p) -> {
            if (!model.contains("/")) {
                throw new IllegalArgumentException(file + ": managed." + model + ": keys are provider/model");
            }
            if (p.input() < 0 || p.cachedInput() < 0 || p.cacheWrite() < 0 || p.output() < 0) {
                throw new IllegalArgumentException(file + ": managed." + model + ": prices must be >= 0");
            }
            if (p.batchDiscount() < 0 || p.batchDiscount() >= 1) {
                throw new IllegalArgumentException(file + ": managed." + model + ".batchDiscount must be in [0, 1)");
            }
            if (p.priority() != null && (p.priority().input() < 0 || p.priority().cachedInput() < 0 || p.priority().output() < 0)) {
                throw new IllegalArgumentException(file + ": managed." + model + ".priority: prices must be >= 0");
            }
            if (p.cacheIncrementTokens() < 1 || p.cacheTtlSeconds() <= 0 || p.minCacheTokens() < 0) {
                throw new IllegalArgumentException(file + ": managed." + model + ": cacheIncrementTokens >= 1, cacheTtlSeconds > 0 and minCacheTokens >= 0 are required");
            }
        });
        if (gpus != null) {
            gpus.forEach((gpu, p) -> {
                if (!(p.usdPerHour() > 0)) {
                    throw new IllegalArgumentException(file + ": gpus." + gpu + ".usdPerHour must be > 0");
                }
            });
        }
        return this;
    }
}
