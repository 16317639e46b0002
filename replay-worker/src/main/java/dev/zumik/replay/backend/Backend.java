package dev.zumik.replay.backend;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One side of a replay: where requests go, what runtime answers there, which model to ask for, and
 * the API key (from the environment, never logged or written to a report).
 *
 * @param baseUrl an API base such as {@code https://api.openai.com/v1}, {@code http://vllm:8000} or a
 *                KServe prefix {@code http://host/openai}; a trailing {@code /v1} is accepted either way
 * @param metrics where the runtime's own counters are read, one Prometheus endpoint per replica (each vLLM pod, each Dynamo
 *                worker's system port); empty: the base URL's host {@code /metrics}, where a single server publishes them
 */
public record Backend(String role, URI baseUrl, Runtime runtime, String model, String apiKey, List<URI> metrics) {

    public Backend(final String role, final URI baseUrl, final Runtime runtime, final String model, final String apiKey) {
        this(role, baseUrl, runtime, model, apiKey, List.of());
    }

    public Backend {
        metrics = List.copyOf(metrics);
        final String scheme = baseUrl.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException(role + ": base URL must be http(s)://host[:port][/prefix], got " + baseUrl);
        }
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(role + ": a model name is required");
        }
    }

    public boolean tls() {
        return "https".equals(baseUrl.getScheme());
    }

    public int port() {
        return baseUrl.getPort() > 0 ? baseUrl.getPort() : tls() ? 443 : 80;
    }

    /** The request path: the base's prefix (without a trailing {@code /v1}) and the runtime's API path. */
    public String path() {
        String prefix = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        if (prefix.endsWith("/v1")) {
            prefix = prefix.substring(0, prefix.length() - 3);
        }
        return prefix + runtime.api().path();
    }

    /** Authentication and version headers in the runtime's convention. */
    public Map<String, String> headers() {
        if (runtime == Runtime.ANTHROPIC) {
            return apiKey == null ? Map.of("anthropic-version", "2023-06-01")
                    : Map.of("anthropic-version", "2023-06-01", "x-api-key", apiKey);
        }
        return apiKey == null ? Map.of() : Map.of("authorization", "Bearer " + apiKey);
    }

    /** The base URL's host {@code /metrics}: where a single server, or the scheduler in front of the replicas, publishes. */
    public URI hostMetrics() {
        return URI.create(baseUrl.getScheme() + "://" + baseUrl.getRawAuthority() + "/metrics");
    }

    /** Where the runtime's own counters are read: every replica's endpoint when given, else {@link #hostMetrics()}. */
    public List<URI> runtimeMetrics() {
        return metrics.isEmpty() ? List.of(hostMetrics()) : metrics;
    }

    /** For reports and logs: everything but the key. */
    public String describe() {
        return role + " " + runtime.label() + " " + model + " at " + baseUrl;
    }

    @Override
    public String toString() {
        return describe();
    }
}
