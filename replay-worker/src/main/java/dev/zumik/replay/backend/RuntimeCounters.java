package dev.zumik.replay.backend;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The candidate runtime's own prefix-cache counters, read from its metrics by the names the runtimes
 * publish (docs/REPLAY.md, runtime-confirmed capture): vLLM's {@code vllm:prefix_cache_queries_total} and
 * {@code vllm:prefix_cache_hits_total} (plus {@code vllm:external_prefix_cache_hits_total} for a KV
 * connector's tiers, and the deprecated {@code vllm:gpu_prefix_cache_*} names); SGLang's (and Dynamo's
 * workers', which re-export the engine's) {@code sglang:prompt_tokens_total} and
 * {@code sglang:cached_tokens_total}, every {@code cache_source} summed. What the runtime counted is
 * set against what its responses reported: a runtime that reports more cached tokens than its cache
 * served would make BYOC look better than it is.
 */
public final class RuntimeCounters {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+([-+0-9.eE]+|NaN)\\s*$", Pattern.MULTILINE);

    /** Cumulative prompt tokens looked up and found in the cache, and the metric names they came from. */
    public record Counts(double queried, double hit, String source) {
        /** What happened between {@code before} and this. */
        public Counts since(final Counts before) {
            return new Counts(queried - before.queried, hit - before.hit, source);
        }

        /** These and {@code other}'s summed (another replica's). */
        public Counts plus(final Counts other) {
            return new Counts(queried + other.queried, hit + other.hit, source.equals(other.source) ? source : source + " + " + other.source);
        }

        public double capture() {
            return queried <= 0 ? Double.NaN : hit / queried;
        }
    }

    private RuntimeCounters() { }

    /**
     * The sum of every sample of the first of {@code names} the text states (aliases in order of preference,
     * e.g. a metric and its deprecated name), over the samples whose labels include {@code label} (null: all);
     * empty when it states none of them.
     */
    public static Optional<Double> sum(final String text, final String label, final String... names) {
        for (final String name : names) {
            double total = 0;
            boolean seen = false;
            final Matcher m = SAMPLE.matcher(text);
            while (m.find()) {
                if (m.group(1).equals(name) && (label == null || m.group(2) != null && m.group(2).contains(label))) {
                    total += Double.parseDouble(m.group(3));
                    seen = true;
                }
            }
            if (seen) {
                return Optional.of(total);
            }
        }
        return Optional.empty();
    }

    /** The counts a Prometheus text exposition states, vLLM's names first, else SGLang's; empty when it states neither. */
    public static Optional<Counts> parse(final String text) {
        double vllmQueries = 0;
        double vllmHits = 0;
        double oldQueries = 0;
        double oldHits = 0;
        double sglangPrompt = 0;
        double sglangCached = 0;
        boolean vllm = false;
        boolean sglang = false;
        final Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            final double value = Double.parseDouble(m.group(3));
            switch (m.group(1)) {
                case "vllm:prefix_cache_queries_total" -> {
                    vllmQueries += value;
                    vllm = true;
                }
                case "vllm:prefix_cache_hits_total", "vllm:external_prefix_cache_hits_total" -> vllmHits += value;
                // deprecated names, published beside the new ones for a while: used only without them
                case "vllm:gpu_prefix_cache_queries_total" -> oldQueries += value;
                case "vllm:gpu_prefix_cache_hits_total" -> oldHits += value;
                case "sglang:prompt_tokens_total" -> {
                    sglangPrompt += value;
                    sglang = true;
                }
                case "sglang:cached_tokens_total" -> sglangCached += value;
                default -> { }
            }
        }
        if (!vllm && oldQueries > 0) {
            return Optional.of(new Counts(oldQueries, oldHits, "vllm:gpu_prefix_cache_hits_total / vllm:gpu_prefix_cache_queries_total"));
        }
        if (vllm) {
            return Optional.of(new Counts(vllmQueries, vllmHits, "vllm:prefix_cache_hits_total (+ external) / vllm:prefix_cache_queries_total"));
        }
        return sglang ? Optional.of(new Counts(sglangPrompt, sglangCached, "sglang:cached_tokens_total (every cache_source) / sglang:prompt_tokens_total"))
                : Optional.empty();
    }
}
