package dev.zumik.schemas.registry;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How to reach a Confluent-API schema registry. Keys follow Confluent's serializer settings so an
 * existing client configuration works unchanged.
 *
 * @param urls            registry base URLs, tried in order when one is unreachable
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, if any
 * @param sslContext      TLS context built from the truststore/keystore settings, if any
 * @param requestTimeout  per-request timeout
 * @param maxRetries      retries after the first attempt for retriable failures (I/O, 5xx, 429)
 * @param retryBackoff    base backoff, doubled per retry
 * @param autoRegister    serializers register new schemas (else they only look them up)
 */
public record RegistrySettings(
        List<URI> urls,
        Optional<String> basicAuthUserInfo,
        Optional<SSLContext> sslContext,
        Duration requestTimeout,
        int maxRetries,
        Duration retryBackoff,
        boolean autoRegister) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
    public static final String TIMEOUT_MS = "zumik.registry.timeout.ms";
    public static final String MAX_RETRIES = "zumik.registry.max.retries";
    public static final String RETRY_BACKOFF_MS = "zumik.registry.retry.backoff.ms";
    public static final String AUTO_REGISTER = "auto.register.schemas";

    public RegistrySettings {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException(URL + " is required");
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException(MAX_RETRIES + " must be >= 0, got " + maxRetries);
        }
        urls = List.copyOf(urls);
    }

    /** Settings for one plain-HTTP URL with default timeouts and retries. */
    public static RegistrySettings of(final String url) {
        return fromConfig(Map.of(URL, url));
    }

    /** Reads the settings from serializer-style configuration; unknown keys are ignored. */
    public static RegistrySettings fromConfig(final Map<String, ?> config) {
        final String urlList = string(config, URL).orElseThrow(
                () -> new IllegalArgumentException(URL + " is required (e.g. http://127.0.0.1:8081)"));
        final List<URI> urls = new ArrayList<>();
        for (final String part : urlList.split(",")) {
            final String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            final URI uri = URI.create(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new IllegalArgumentException(URL + " must be http:// or https://, got '" + trimmed + "'");
            }
            urls.add(uri);
        }
        final String source = string(config, BASIC_AUTH_SOURCE).orElse("USER_INFO");
        final Optional<String> userInfo = string(config, BASIC_AUTH_USER_INFO).filter(s -> !s.isBlank());
        if (userInfo.isPresent() && !"USER_INFO".equals(source)) {
            throw new IllegalArgumentException(BASIC_AUTH_SOURCE + " supports USER_INFO only, got " + source);
        }
        userInfo.ifPresent(u -> {
            if (!u.contains(":")) {
                throw new IllegalArgumentException(BASIC_AUTH_USER_INFO + " must be user:password");
            }
        });
        return new RegistrySettings(
                urls,
                userInfo,
                sslContext(config),
                Duration.ofMillis(longValue(config, TIMEOUT_MS, 10_000)),
                (int) longValue(config, MAX_RETRIES, 3),
                Duration.ofMillis(longValue(config, RETRY_BACKOFF_MS, 200)),
                Boolean.parseBoolean(string(config, AUTO_REGISTER).orElse("true")));
    }

    private static Optional<SSLContext> sslContext(final Map<String, ?> config) {
        final Optional<String> trustLocation = string(config, TRUSTSTORE_LOCATION);
        final Optional<String> keyLocation = string(config, KEYSTORE_LOCATION);
        if (trustLocation.isEmpty() && keyLocation.isEmpty()) {
            return Optional.empty();
        }
        try {
            TrustManagerFactory tmf = null;
            if (trustLocation.isPresent()) {
                final KeyStore trust = load(trustLocation.get(), string(config, TRUSTSTORE_TYPE).orElse("PKCS12"),
                        string(config, TRUSTSTORE_PASSWORD).orElse(""));
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (keyLocation.isPresent()) {
                final String storePassword = string(config, KEYSTORE_PASSWORD).orElse("");
                final KeyStore keys = load(keyLocation.get(), string(config, KEYSTORE_TYPE).orElse("PKCS12"), storePassword);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, string(config, KEY_PASSWORD).orElse(storePassword).toCharArray());
            }
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return Optional.of(context);
        } catch (final Exception e) {
            throw new IllegalArgumentException("Cannot set up TLS to the schema registry: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(final String location, final String type, final String password) throws Exception {
        final KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static Optional<String> string(final Map<String, ?> config, final String key) {
        final Object value = config.get(key);
        return value == null ? Optional.empty() : Optional.of(value.toString());
    }

    private static long longValue(final Map<String, ?> config, final String key, final long defaultValue) {
        final Optional<String> value = string(config, key);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.get().trim());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value.get() + "'");
        }
    }

    /** Credentials redacted: safe to log. */
    @Override
    public String toString() {
        return "RegistrySettings[urls=" + urls
                + ", basicAuth=" + basicAuthUserInfo.map(u -> u.substring(0, u.indexOf(':')) + ":[redacted]").orElse("none")
                + ", tls=" + sslContext.isPresent()
                + ", timeout=" + requestTimeout.toMillis() + "ms, maxRetries=" + maxRetries
                + ", autoRegister=" + autoRegister + "]";
    }
}
