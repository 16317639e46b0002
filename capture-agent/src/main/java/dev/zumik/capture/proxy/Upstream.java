package dev.zumik.capture.proxy;

import dev.zumik.schemas.topics.Lanes;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Where a route's traffic goes and which provider its lanes belong to.
 *
 * @param prefix   request path prefix this upstream serves ("" for the default), stripped before forwarding
 * @param base     upstream base URI, e.g. https://api.openai.com (a path part is kept and prefixed)
 * @param provider provider name recorded in the lanes, e.g. openai, anthropic, vllm
 * @param name     name a client may select with the {@code X-Zumik-Upstream} header ("" for none)
 */
public record Upstream(String prefix, URI base, String provider, String name, String route) {
    /** Request header that selects a named upstream, overriding path prefixes. */
    public static final String SELECT_HEADER = "X-Zumik-Upstream";


    public Upstream {
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("upstream must be http:// or https://, got '" + base + "'");
        }
        if (base.getHost() == null) {
            throw new IllegalArgumentException("upstream has no host: '" + base + "'");
        }
        if (!prefix.isEmpty() && !prefix.startsWith("/")) {
            throw new IllegalArgumentException("route prefix must start with /, got '" + prefix + "'");
        }
        if (route != null && !route.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("route= must be a name of letters, digits, '.', '_' or '-', got '" + route + "'");
        }
    }

    /** The lane route of a request to {@code path} (the upstream's prefix stripped): its {@code route=}, else the endpoint's short name. */
    public String routeOf(final String path) {
        return route != null ? route : Lanes.routeName(path);
    }

    /** Parses {@code [PREFIX=]URL} with optional {@code ,provider=NAME}, {@code ,name=NAME} and {@code ,route=NAME}. */
    public static Upstream parse(final String spec) {
        String rest = spec.trim();
        String provider = null;
        String name = "";
        String route = null;
        final String[] parts = rest.split(",");
        rest = parts[0].trim();
        for (int i = 1; i < parts.length; i++) {
            final String part = parts[i].trim();
            if (part.startsWith("provider=")) {
                provider = part.substring("provider=".length()).trim();
            } else if (part.startsWith("name=")) {
                name = part.substring("name=".length()).trim();
            } else if (part.startsWith("route=")) {
                route = part.substring("route=".length()).trim();
            } else {
                throw new IllegalArgumentException("unknown upstream attribute '" + part + "' (known: provider=, name=, route=)");
            }
        }
        String prefix = "";
        final int eq = rest.indexOf('=');
        if (eq > 0 && rest.startsWith("/")) {
            prefix = rest.substring(0, eq);
            rest = rest.substring(eq + 1);
        }
        final URI base;
        try {
            base = URI.create(rest.endsWith("/") ? rest.substring(0, rest.length() - 1) : rest);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL: '" + rest + "'");
        }
        if (base.getHost() == null || base.getHost().isEmpty()) {
            throw new IllegalArgumentException("not a URL with a host: '" + rest + "'");
        }
        return new Upstream(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix, base,
                provider == null || provider.isEmpty() ? providerOf(base) : provider, name, route == null || route.isEmpty() ? null : route);
    }

    /**
     * Refuses a routing table in which one upstream hides another: two with the same prefix (two without
     * one, too: a forgotten {@code /anthropic=} would send one provider's requests, API key included, to
     * the other) or two with the same name. The message names both.
     */
    public static void requireUnambiguous(final List<Upstream> upstreams) {
        for (int i = 0; i < upstreams.size(); i++) {
            for (int j = 0; j < i; j++) {
                final Upstream a = upstreams.get(j);
                final Upstream b = upstreams.get(i);
                if (a.prefix().equals(b.prefix())) {
                    throw new IllegalArgumentException((a.prefix().isEmpty() ? "two upstreams without a path prefix" : "two upstreams with the prefix "
                            + a.prefix()) + " (" + a.base() + " and " + b.base() + "): the second could never be reached; give each its own PREFIX=");
                }
                if (!a.name().isEmpty() && a.name().equals(b.name())) {
                    throw new IllegalArgumentException("two upstreams named " + a.name() + " (" + a.base() + " and " + b.base() + ")");
                }
            }
        }
    }

    /** The provider a well-known API host belongs to; anything else is an OpenAI-compatible server. */
    static String providerOf(final URI base) {
        final String host = base.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith("openai.com")) {
            return "openai";
        }
        if (host.endsWith("anthropic.com")) {
            return "anthropic";
        }
        if (host.endsWith("openai.azure.com")) {
            return "azure-openai";
        }
        return "openai-compatible";
    }

    int port() {
        return base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80;
    }

    boolean tls() {
        return "https".equals(base.getScheme());
    }

    String basePath() {
        final String path = base.getRawPath();
        return path == null ? "" : path;
    }
}
