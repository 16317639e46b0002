package dev.zumik.replay.worker;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.backend.Runtime;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Where each side of a replay goes. The managed baseline follows the lane: its provider picks the API
 * (OpenAI's chat or Anthropic's messages, base URL overridable per provider) and its model is the
 * lane's; keys come from the environment. The candidate is the BYOC profile's endpoint (overridable,
 * e.g. for a demo against a local simulator) speaking the profile's dialect, asking for its model.
 *
 * @param baselineUrls     provider → API base URL
 * @param baselineKeys     provider → API key (from the environment; never logged)
 * @param candidateUrl     replaces every profile's endpoint URL when set
 * @param candidateMetrics each candidate replica's runtime metrics endpoint; empty: the candidate host's /metrics
 */
public record Backends(Map<String, URI> baselineUrls, Map<String, String> baselineKeys, Optional<URI> candidateUrl,
                       List<URI> candidateMetrics) {

    public Backends(final Map<String, URI> baselineUrls, final Map<String, String> baselineKeys, final Optional<URI> candidateUrl) {
        this(baselineUrls, baselineKeys, candidateUrl, List.of());
    }

    public static final Map<String, URI> PROVIDER_DEFAULTS = Map.of(
            "openai", URI.create("https://api.openai.com/v1"),
            "anthropic", URI.create("https://api.anthropic.com"));

    /** Base URLs from the defaults and overrides, keys from {@code OPENAI_API_KEY} and {@code ANTHROPIC_API_KEY}. */
    public static Backends fromEnvironment(final Map<String, URI> overrides, final Optional<URI> candidateUrl, final List<URI> candidateMetrics,
                                           final Map<String, String> env) {
        final Map<String, URI> urls = new HashMap<>(PROVIDER_DEFAULTS);
        urls.putAll(overrides);
        final Map<String, String> keys = new HashMap<>();
        Optional.ofNullable(env.get("OPENAI_API_KEY")).ifPresent(k -> keys.put("openai", k));
        Optional.ofNullable(env.get("ANTHROPIC_API_KEY")).ifPresent(k -> keys.put("anthropic", k));
        return new Backends(Map.copyOf(urls), Map.copyOf(keys), candidateUrl, candidateMetrics);
    }

    /** The managed side of a lane {@code provider/model/route}. */
    public Backend baseline(final String provider, final String model) {
        final URI url = baselineUrls.get(provider);
        if (url == null) {
            throw new IllegalArgumentException("no managed base URL for provider '" + provider + "' (known: "
                    + String.join(", ", new TreeSet<>(baselineUrls.keySet())) + ")");
        }
        return new Backend("baseline", url, "anthropic".equals(provider) ? Runtime.ANTHROPIC : Runtime.OPENAI, model,
                baselineKeys.get(provider));
    }

    public Backend candidate(final ByocProfile profile) {
        return new Backend("candidate", candidateUrl.orElse(URI.create(profile.endpoint().url())),
                Runtime.parse(profile.endpoint().dialect()), profile.model().name(), null, candidateMetrics);
    }
}
