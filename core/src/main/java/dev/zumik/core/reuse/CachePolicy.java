package dev.zumik.core.reuse;

import dev.zumik.core.cache.BlockKvCache;
import dev.zumik.core.cache.InfiniteCache;
import dev.zumik.core.cache.KvCache;
import dev.zumik.core.cache.ManagedKvCache;
import dev.zumik.core.cache.TtlCache;
import dev.zumik.core.cost.PriceTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A cache model to simulate, with the definitions of docs/METRICS.md: {@code infinite} (ideal),
 * {@code lru:CAPACITY} (tokens, e.g. 1e6, 500k, 2m), {@code ttl:DURATION} (e.g. 300s, 5m, 1h),
 * {@code managed[:TTL]} (OpenAI's rules: 1,024-token minimum, 128-token steps, idle TTL, default 5m),
 * or a named tier chain (a BYOC profile's HBM → host → NVMe → remote). A policy makes fresh caches for
 * a block size: each lane gets its own.
 *
 * @param name   how reports and metrics name it, e.g. {@code lru:1000000} or {@code dynamo}
 * @param tiers  tier names, fastest first
 */
public record CachePolicy(String name, List<String> tiers, IntFunction<KvCache> factory) {

    public static final long DEFAULT_MANAGED_TTL_MILLIS = Duration.ofMinutes(5).toMillis();

    /** A fresh, empty cache of this policy for blocks of {@code blockSize} tokens. */
    public KvCache newCache(final int blockSize) {
        return factory.apply(blockSize);
    }

    public static CachePolicy infinite() {
        return new CachePolicy("infinite", List.of("all"), b -> new BlockKvCache(new InfiniteCache(), "all"));
    }

    public static CachePolicy lru(final long capacityTokens) {
        if (capacityTokens < 1) {
            throw new IllegalArgumentException("lru capacity must be >= 1 token, got " + capacityTokens);
        }
        return new CachePolicy("lru:" + capacityTokens, List.of("lru"),
                b -> BlockKvCache.tiered(new String[] {"lru"}, new long[] {Math.max(capacityTokens, b)}, b));
    }

    public static CachePolicy ttl(final long ttlMillis) {
        if (ttlMillis < 1) {
            throw new IllegalArgumentException("ttl must be >= 1 ms, got " + ttlMillis);
        }
        return new CachePolicy("ttl:" + duration(ttlMillis), List.of("ttl"), b -> new BlockKvCache(new TtlCache(ttlMillis), "ttl"));
    }

    public static CachePolicy managed(final long ttlMillis, final int minTokens, final int incrementTokens) {
        return new CachePolicy(ttlMillis == DEFAULT_MANAGED_TTL_MILLIS ? "managed" : "managed:" + duration(ttlMillis), List.of("managed"), b -> new ManagedKvCache(ttlMillis, minTokens, incrementTokens, false));
    }

    private static String duration(final long millis) {
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /**
     * The policies for one lane: the {@code managed} policy takes the caching rules of the lane's model
     * in the price table (minimum, increment, TTL; e.g. Anthropic's 1,024 or 4,096-token minimums), when
     * the table has them; everything else is unchanged.
     */
    public static List<CachePolicy> forModel(final List<CachePolicy> policies, final PriceTable prices,
                                             final String provider, final String model) {
        final Optional<PriceTable.ManagedPrice> price = prices == null ? Optional.empty()
                : prices.forModel(provider, model);
        if (price.isEmpty()) {
            return policies;
        }
        final PriceTable.ManagedPrice p = price.get();
        final long ttl = Math.round(p.cacheTtlSeconds() * 1000);
        return policies.stream().map(policy -> !policy.name().equals("managed") ? policy
                : new CachePolicy("managed", List.of("managed"), b -> new ManagedKvCache(ttl, p.minCacheTokens(), p.cacheIncrementTokens(), false)))
                .toList();
    }

    /** A BYOC profile's tier chain: LRU tiers in series, capacities in tokens. */
    public static CachePolicy tiered(final String name, final List<String> tierNames, final long[] capacityTokens) {
        final String[] names = tierNames.toArray(String[]::new);
        final long[] capacities = capacityTokens.clone();
        BlockKvCache.tiered(names, capacities, 1);
        return new CachePolicy(name, List.copyOf(tierNames), b -> BlockKvCache.tiered(names, capacities, b));
    }

    /** Policies from a comma-separated list such as {@code infinite,lru:1e6,ttl:300s,managed}. */
    public static List<CachePolicy> parseList(final String specs) {
        final List<CachePolicy> out = new ArrayList<>();
        for (final String spec : specs.split(",")) {
            if (!spec.isBlank()) {
                out.add(parse(spec.trim()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no cache policy given");
        }
        return out;
    }

    /** One policy from its spec. */
    public static CachePolicy parse(final String spec) {
        final String s = spec.trim().toLowerCase(Locale.ROOT);
        final int colon = s.indexOf(':');
        final String kind = colon < 0 ? s : s.substring(0, colon);
        final String arg = colon < 0 ? null : s.substring(colon + 1);
        return switch (kind) {
            case "infinite", "ideal" -> infinite();
            case "lru" -> lru(tokens(spec, arg));
            case "ttl" -> ttl(millis(spec, arg));
            case "managed" -> managed(arg == null ? DEFAULT_MANAGED_TTL_MILLIS : millis(spec, arg), 1024, 128);
            default -> throw new IllegalArgumentException("unknown cache policy '" + spec
                    + "' (known: infinite, lru:TOKENS, ttl:DURATION, managed[:TTL])");
        };
    }

    /** 1000000, 1e6, 500k, 2m, 1.5g tokens. */
    static long tokens(final String spec, final String arg) {
        if (arg == null || arg.isBlank()) {
            throw new IllegalArgumentException(spec + ": a capacity in tokens is required, e.g. lru:1e6");
        }
        final char unit = arg.charAt(arg.length() - 1);
        final double scale = switch (unit) {
            case 'k' -> 1e3;
            case 'm' -> 1e6;
            case 'g' -> 1e9;
            default -> 1;
        };
        try {
            final double value = Double.parseDouble(scale == 1 ? arg : arg.substring(0, arg.length() - 1)) * scale;
            if (!(value >= 1) || value > Long.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (long) value;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(spec + ": '" + arg + "' is not a token count (e.g. 1e6, 500k, 2m)");
        }
    }

    /** 300s, 5m, 1h, 250ms, or plain seconds. */
    static long millis(final String spec, final String arg) {
        if (arg == null || arg.isBlank()) {
            throw new IllegalArgumentException(spec + ": a duration is required, e.g. ttl:300s");
        }
        try {
            final double seconds;
            if (arg.endsWith("ms")) {
                seconds = Double.parseDouble(arg.substring(0, arg.length() - 2)) / 1000;
            } else if (arg.endsWith("s")) {
                seconds = Double.parseDouble(arg.substring(0, arg.length() - 1));
            } else if (arg.endsWith("m")) {
                seconds = Double.parseDouble(arg.substring(0, arg.length() - 1)) * 60;
            } else if (arg.endsWith("h")) {
                seconds = Double.parseDouble(arg.substring(0, arg.length() - 1)) * 3600;
            } else {
                seconds = Double.parseDouble(arg);
            }
            if (!(seconds > 0)) {
                throw new NumberFormatException();
            }
            return Math.round(seconds * 1000);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(spec + ": '" + arg + "' is not a duration (e.g. 300s, 5m, 1h)");
        }
    }
}
